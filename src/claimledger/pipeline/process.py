"""Analysis of stored articles: extraction -> check-worthiness -> embedding ->
linking -> stance -> verdicts.

The stages split in two:

* ``analyse_articles`` is per-article and embarrassingly parallel (it runs in
  Ray workers in batch mode): attribution extraction, speaker/actor
  resolution, time expressions, check-worthiness and embeddings;
* ``link_analysed`` is sequential over articles in (published, id) order,
  because whether a statement opens a claim depends on the claims before it.
  Running it in that order is what makes a batch run on several workers give
  the same claims as a single process.

Each article's statements, new claims and links are written in one
transaction together with the article's ``processed`` flag; claims touched are
flagged ``dirty`` in the same transaction and recomputed afterwards, so a run
killed anywhere resumes into the same ledger.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select, update

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.extract.proposition import Proposition
from claimledger.records import (
    CREATED_PREFIX,
    Actor,
    Article,
    Attribution,
    Claim,
    Link,
    Statement,
    hash_id,
)
from claimledger.store.ledger import Ledger
from claimledger.store.models import MEMBER_KEY_BASE, ArticleRow, ClaimRow, OriginRow, OutletRow

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
DIM = 384
# An outlet's own sentence is embedded (may be evidence for a claim) from this
# check-worthiness up: the model's F1-optimal cut on ClaimBuster (models/checkworthy).
EVIDENCE_THRESHOLD = 0.3
# Unattributed sentences shorter than this many words are not considered.
_MIN_WORDS = 6
_SENT = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")
# "TARSK, 4 March (VNA) — ", "MOSCOW (Reuters) - ": a dateline is not part of a claim, and
# its place says which country a story is from. Not "US-backed forces ..." (no dash and
# space after the place) nor "UK, French and German leaders ...".
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{2,40}?)\s*(?:,(?P<rest>[^()\n—–-]{1,30}))?\s*(?:\([^)]{1,40}\))?"
    r"\s*[—–-]+\s+"
)
_ATTR_HINT = re.compile(r"\b(said|says|told|according to|stated|claimed|announced|added)\b", re.I)


def _proposition(text: str) -> str:
    """What a statement asserts, as embedded for linking: no dateline, no "X said" tail,
    no concessive tail ("despite ...")."""
    from claimledger.link.linker import canonical_text, main_clause

    return main_clause(canonical_text(_DATELINE.sub("", text)))


def asserted_content(st: Statement, *, rules_off: Collection[str] = ()) -> str:
    """The content a statement's proposition is read from: ``_proposition`` of its content,
    with the verb a denial cue took from it put back ("Russia denies planning | to enter
    Ukraine" -> "Russia plans to enter Ukraine", which the reader then negates).

    Rules (``extract/proposition.py`` ``CONTENT_RULES``): ``PR_CUE_CASE`` keeps the lower
    case of a content that began so after its cue ("Russia denies | plans to invade": as
    "Plans to invade" the parser reads a noun and no subject is given); ``PR_DENIED_NOUN``
    reads a denied intention as the verb it names ("denies | any intention to invade" ->
    "intends to invade").
    """
    from claimledger.extract.attribution import load_nlp
    from claimledger.extract.proposition import denied_noun, denied_verb

    text = _proposition(st.content_text)
    if not st.attributed or not text:
        return text
    if "PR_CUE_CASE" not in rules_off and text[:1].isupper():
        at = st.content_text.lower().find(text[:30].lower())
        if at >= 0 and st.content_text[at].islower():
            text = text[0].lower() + text[1:]
    noun = None if "PR_DENIED_NOUN" in rules_off else denied_noun(st.cue_text, text)
    if noun is not None:
        return noun
    verb = denied_verb(st.cue_text, text, nlp=load_nlp())
    if verb is None:
        return text
    speaker = speaker_name(st)
    return f"{speaker} {verb} {text}" if speaker else f"{verb} {text}"


@dataclass(slots=True)
class Analysed:
    """One article after the per-article stages."""

    article: Article
    statements: list[Statement]
    vectors: dict[str, bytes] = field(default_factory=dict)  # statement id -> float32[384]
    entities: dict[str, list[str]] = field(default_factory=dict)
    resolution: dict[str, date] = field(default_factory=dict)  # predictions' dates
    # What each embedded statement asserts, read off its parse (extract/proposition.py).
    propositions: dict[str, Proposition] = field(default_factory=dict)
    # The not-a-claim rule that fired on a statement (extract/claimhood.py), if any.
    not_claim: dict[str, str] = field(default_factory=dict)
    # Claims about claims (extract/nested.py): a statement's judgement of a claim embedded
    # in it; the embedded claim opens a claim even when never seen on its own.
    judgements: list[Judgement] = field(default_factory=list)
    embedded: set[str] = field(default_factory=set)
    # The attributed statement the headline restates: the article's news, a claim to
    # track whatever the check-worthiness model says of its wording.
    headline: set[str] = field(default_factory=set)
    # Actors the statements refer to that the table created while reading
    # (unknown speakers, offices derived from titles). They travel with the
    # article so that a worker process's creations reach the store.
    actors: list[Actor] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Judgement:
    """An outer statement's judgement of a claim embedded in it ("Russia's claim that it is
    pulling back is false, an official said"): a link of ``stance`` from ``outer_id`` to
    the claim ``embedded_id`` asserts or reports."""

    embedded_id: str
    outer_id: str
    stance: str
    cue: str | None
    rule: str


@dataclass(slots=True)
class ProcessReport:
    articles: int = 0
    statements: int = 0
    claims: int = 0
    links: int = 0


# -- actors --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def actor_table(actors_file: str = "") -> Any:
    """The built-in actor table extended by the user's file (cached per process)."""
    from claimledger.extract.actors import ActorTable

    return ActorTable.load(Path(actors_file) if actors_file else None)


def run_actor_table(actors_file: str, stored: Iterable[Actor] = ()) -> Any:
    """A fresh table to resolve speakers with: built-in, the user's file, then ``stored``.

    Both engines build their table with it: ``ledger_actors`` in process, and each Ray
    worker from the stored actors the batch driver sends, so that both resolve alike.
    A stored actor never replaces an id the table already has.
    """
    from claimledger.extract.actors import ActorTable

    table = ActorTable.load(Path(actors_file) if actors_file else None)
    for actor in stored:
        if table.get(actor.id) is None:
            table.add(actor)
    return table


def ledger_actors(ledger: Ledger, config: Config) -> Any:
    """The actor table plus the actors created at run time and stored in this ledger.

    Speakers unknown to the table become actors during extraction, with the
    affiliations their titles reveal; verification in another process must see
    the same affiliations, so they are read back from the store.
    """
    key = (config.extract.actors_file, ledger.url)
    table = _LEDGER_TABLES.get(key)
    if table is None:
        # A table of its own per ledger: actors created while reading one ledger
        # (with the affiliations their first context revealed) must not leak
        # into another ledger read by the same process.
        table = run_actor_table(config.extract.actors_file)
        _LEDGER_TABLES[key] = table
        _ACTORS_READ.pop(key, None)
    # Stored actors are only ever added (a known id is never replaced in the table), so
    # an unchanged count means nothing new: every view need not read them all again.
    stored = ledger.count("actors")
    if _ACTORS_READ.get(key) != stored:
        for actor in ledger.actors():
            if table.get(actor.id) is None:
                table.add(actor)
        _ACTORS_READ[key] = stored
    return table


_LEDGER_TABLES: dict[tuple[str, str], Any] = {}
# Stored actors counted when each table last read them, by the same key.
_ACTORS_READ: dict[tuple[str, str], int] = {}


def load_actors(*, ledger: Ledger, config: Config) -> int:
    """Write the actor table into the store; returns the number of actors."""
    table = actor_table(config.extract.actors_file)
    actors = list(table.actors())
    ledger.upsert_actors(actors)
    return len(actors)


# -- per-article stages ------------------------------------------------------------------------


# A period after these ends no sentence: initials and acronyms ("U.S.", "U.N.") and the
# titles and month abbreviations of news copy ("Gen. Milley", "Feb. 4").
_NO_STOP = re.compile(
    r"(?:\b[A-Z]|\b(?:Gen|Lt|Col|Maj|Capt|Sgt|Adm|Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|St|No|Jan|Feb"
    r"|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Inc|Corp|Co|Jr|Sr|vs))\.$"
)


def _sentences(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for m in _SENT.finditer(text):
        end = m.end()
        # Join across a period that ends an abbreviation and is followed by more text.
        if (
            end < len(text)
            and text[end : end + 1] != "\n"
            and _NO_STOP.search(text[m.start() : end].rstrip())
        ):
            continue
        s, e = start, end
        start = end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            yield s, e


def _overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def _home_state(article: Article, actors: Any) -> str | None:
    """The country an article reports from: its dateline's ("TARSK, 4 March (CNA) —" when
    Tarsk stands for Varnia, "KASEL REGION, Varnia —"), else its outlet's state (state
    media); None if neither."""
    m = _DATELINE.match(article.text.lstrip())
    state = None
    if m:
        # "TARSK, 4 March", or a place and its country: "KASEL REGION, Varnia"
        state = actors.place_state(m.group("place")) or (
            actors.place_state(m.group("rest").strip()) if m.group("rest") else None
        )
    if state is None:
        outlet = actors.outlet_actor(article.outlet) if article.outlet else None
        state = actors.home_state(outlet.id) if outlet is not None else None
    return state


# "Ostrela had denied from the start that ...", "Tarsk insists that ...": a sentence of the
# outlet's that is a known actor's position, told in the outlet's words.
_RELAYED = re.compile(
    r"^(?:The\s+)?(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4})\s+"
    r"(?P<cue>(?:had\s+|has\s+|have\s+|also\s+|again\s+|repeatedly\s+)*"
    r"(?:denied|denies|deny|insisted|insists|maintained|maintains|accused|accuses|rejected|"
    r"rejects|dismissed|dismisses|admitted|admits|alleged|alleges|blamed|blames|"
    r"acknowledged|acknowledges|warned|warns|argued|argues|disputed|disputes))\b"
)


def _relayed(sentence: str, actors: Any) -> tuple[str, tuple[int, int], tuple[int, int]] | None:
    """(actor id, name span, cue span) when a sentence relays a known actor's position."""
    m = _RELAYED.match(sentence)
    if m is None:
        return None
    actor = actors.resolve(m.group("name"))
    if actor is None or actor.id.startswith("auto:"):
        return None
    return actor.id, m.span("name"), m.span("cue")


def _relayed_actor(text: str, actors: Any) -> str | None:
    """The known actor whose position ``text`` relays in the outlet's words, or None."""
    found = _relayed(text, actors)
    return found[0] if found else None


def _learns(actors: Any, actor_id: str, speaker: str) -> bool:
    """Tell whether ``speaker`` names the created, still unaffiliated actor ``actor_id``."""
    if not actor_id.startswith(CREATED_PREFIX):
        return False
    actor = actors.get(actor_id)
    if actor is None or actor.affiliations:
        return False
    again = actors.resolve(speaker)
    return again is not None and again.id == actor_id


def statements_of(
    article: Article, attrs: Sequence[Attribution], *, actors: Any
) -> list[Statement]:
    """Turn an article's attributions (plus its own factual sentences) into statements."""
    from claimledger.extract.attribution_rules import content_parts
    from claimledger.extract.timex import resolve_times

    text = article.text
    out: list[Statement] = []
    covered: list[tuple[int, int]] = []
    home = _home_state(article, actors)
    for a in attrs:
        s, e = a.content
        # A split quotation's content spans its own attribution ("Q1," said X. "Q2."):
        # what was said is the parts around it.
        content = " ".join(
            text[ps:pe] for ps, pe in content_parts(text, a.content, a.cue, a.source)
        )
        actor_id = a.actor_id
        # "the Defence Ministry" is the ministry of the country the article reports from,
        # not an actor of its own (which it became if an earlier article created one).
        if a.speaker and home is not None and (actor_id is None or actor_id.startswith("auto:")):
            actor_id = actors.office_of(a.speaker, home) or actor_id
        if actor_id is None and not a.speaker:
            actor_id = _relayed_actor(content, actors)
        if a.speaker and (actor_id is None or _learns(actors, actor_id, a.speaker)):
            # A speaker created earlier (met bare, in this process or read from the store)
            # may be titled only here: resolving again with the context learns its side,
            # whatever order the articles are read in (a Ray worker reads its own order).
            actor_id = actors.resolve_or_create(a.speaker, context=text[max(0, s - 200) : e]).id
        times = resolve_times(content, published=article.published)
        out.append(
            Statement(
                id=hash_id(article.id, s, e, prefix="s"),
                article_id=article.id,
                content=(s, e),
                content_text=content,
                kind=a.kind,
                source=a.source,
                source_text=text[a.source[0] : a.source[1]] if a.source else None,
                cue=a.cue,
                cue_text=text[a.cue[0] : a.cue[1]] if a.cue else None,
                speaker=a.speaker,
                actor_id=actor_id,
                attributed=True,
                time_phrase=times[0].phrase if times else None,
                time_resolved=times[0].resolved if times else None,
            )
        )
        covered.extend(x for x in (a.content, a.source, a.cue) if x)
    outlet_actor = actors.outlet_actor(article.outlet) if article.outlet else None
    for s, e in _sentences(text):
        sentence = text[s:e]
        if (
            _overlaps((s, e), covered)
            or len(sentence.split()) < _MIN_WORDS
            or _ATTR_HINT.search(sentence)
        ):
            continue
        times = resolve_times(sentence, published=article.published)
        relayed = _relayed(sentence, actors)
        if relayed is not None:
            # The outlet tells a known actor's position in its own words: the actor's
            # statement ("Ostrela had denied ..."), with its name as source and its verb as cue.
            actor_id, (ns, ne), (cs, ce) = relayed
            out.append(
                Statement(
                    id=hash_id(article.id, s, e, prefix="s"),
                    article_id=article.id,
                    content=(s, e),
                    content_text=sentence,
                    kind="indirect",
                    source=(s + ns, s + ne),
                    source_text=sentence[ns:ne],
                    cue=(s + cs, s + ce),
                    cue_text=sentence[cs:ce],
                    speaker=sentence[ns:ne],
                    actor_id=actor_id,
                    attributed=True,
                    time_phrase=times[0].phrase if times else None,
                    time_resolved=times[0].resolved if times else None,
                )
            )
            continue
        out.append(
            Statement(
                id=hash_id(article.id, s, e, prefix="s"),
                article_id=article.id,
                content=(s, e),
                content_text=sentence,
                kind="indirect",
                speaker=None,
                actor_id=outlet_actor.id if outlet_actor else None,
                attributed=False,
                time_phrase=times[0].phrase if times else None,
                time_resolved=times[0].resolved if times else None,
            )
        )
    out.sort(key=lambda st: (st.content[0], st.id))
    return out


def _covering(statements: Sequence[Statement], span: tuple[int, int]) -> Statement | None:
    """The statement whose content covers ``span`` best (overlap at least half the shorter;
    the largest overlap, then the tightest content)."""
    best: tuple[int, int, Statement] | None = None
    for st in statements:
        overlap = min(st.content[1], span[1]) - max(st.content[0], span[0])
        length = st.content[1] - st.content[0]
        shorter = min(length, span[1] - span[0])
        if overlap <= 0 or overlap < 0.5 * shorter:
            continue
        if best is None or (overlap, -length) > (best[0], -best[1]):
            best = (overlap, length, st)
    return best[2] if best else None


def nested_statements(
    article: Article,
    statements: Sequence[Statement],
    *,
    actors: Any,
    rules_off: Sequence[str] = (),
) -> tuple[list[Statement], list[Judgement], set[str]]:
    """Claims about claims in an article (extract/nested.py) as statements and judgements.

    Returns the statements to add (an embedded claim or a judging sentence that no
    extracted statement covers), the judgements (outer statement -> embedded claim,
    with the outer stance) and the ids of the embedded claims' statements.
    """
    from claimledger.extract.attribution import load_nlp
    from claimledger.extract.nested import find_nested
    from claimledger.extract.nested_patterns import DEFAULT_RULES

    text = article.text
    nlp = load_nlp()
    doc = nlp(text[:_NESTED_MAX_CHARS], disable=[p for p in ("ner",) if p in nlp.pipe_names])
    earlier = [st.content for st in statements if st.attributed]
    found = find_nested(
        doc,
        earlier=earlier,
        rules=[r for r in DEFAULT_RULES if r not in rules_off],
        cues_off=rules_off,
    )
    outlet = actors.outlet_actor(article.outlet) if article.outlet else None
    added: list[Statement] = []
    judgements: list[Judgement] = []
    embedded: set[str] = set()
    embedded_of: dict[int, str] = {}  # index in ``found`` -> embedded statement id
    for i, nc in enumerate(found):
        target: str | None = None
        if nc.proposition and nc.proposition_span:
            claimant = actors.resolve(nc.claimant) if nc.claimant else None
            own = _covering([*statements, *added], nc.proposition_span)
            if (
                own is not None
                and own.actor_id is not None
                and (claimant is None or own.actor_id == claimant.id)
            ):
                target = own.id
            elif claimant is not None:
                # Only a claimant the actor table knows: "its claim that ..." names nobody,
                # and a claim without a claimant would count as anyone's support.
                s, e = nc.proposition_span
                st = Statement(
                    id=hash_id(article.id, s, e, "embedded", prefix="s"),
                    article_id=article.id,
                    content=(s, e),
                    content_text=nc.proposition,
                    kind="indirect",
                    source=nc.claimant_span,
                    source_text=nc.claimant,
                    speaker=nc.claimant,
                    actor_id=claimant.id,
                    attributed=True,
                )
                added.append(st)
                target = st.id
        elif nc.antecedent_nested is not None:
            target = embedded_of.get(nc.antecedent_nested)
        elif nc.antecedent is not None and 0 <= nc.antecedent < len(earlier):
            prior = _covering(statements, earlier[nc.antecedent])
            target = prior.id if prior is not None else None
        if target is None:
            continue
        embedded_of[i] = target
        embedded.add(target)
        if nc.stance == "discusses":
            continue
        speaker = actors.resolve(nc.speaker) if nc.speaker else None
        # The speaker's own statements of the judging sentence are its judgement, not claims
        # of theirs: they are linked to the embedded claim and embedded no further.
        for st in statements:
            if (
                st.content[0] >= nc.sentence[0]
                and st.content[1] <= nc.sentence[1]
                and st.id != target
                and nc.anchor[0] >= st.content[0]
                and nc.anchor[1] <= st.content[1]
            ):
                judgements.append(Judgement(target, st.id, nc.stance, nc.cue, nc.rule))
        s, e = nc.sentence
        outer = Statement(
            id=hash_id(article.id, s, e, "judgement", prefix="s"),
            article_id=article.id,
            content=(s, e),
            content_text=text[s:e],
            kind="indirect",
            source=nc.speaker_span,
            source_text=nc.speaker,
            cue=nc.cue_span,
            cue_text=text[nc.cue_span[0] : nc.cue_span[1]] if nc.cue_span else None,
            speaker=nc.speaker,
            actor_id=speaker.id if speaker is not None else (outlet.id if outlet else None),
            attributed=nc.speaker is not None,
        )
        if outer.id not in {st.id for st in added}:
            added.append(outer)
        judgements.append(Judgement(target, outer.id, nc.stance, nc.cue, nc.rule))
    return added, judgements, embedded


# Claims about claims are looked for in this much of an article (one parse without NER).
_NESTED_MAX_CHARS = 100_000


def extract_statements(
    articles: Sequence[Article], *, config: Config, actors: Any | None = None
) -> list[list[Statement]]:
    """Attribution extraction and actor resolution for a batch of articles."""
    from claimledger.extract.attribution import extract_texts

    actors = actors if actors is not None else actor_table(config.extract.actors_file)
    texts = [a.text for a in articles]
    found = extract_texts(texts, batch_size=config.extract.batch_size, actors=actors)
    return [
        statements_of(art, attrs, actors=actors) for art, attrs in zip(articles, found, strict=True)
    ]


def analyse_articles(
    articles: Sequence[Article], *, config: Config, actors: Any | None = None
) -> list[Analysed]:
    """The per-article stages: extraction, check-worthiness, embedding, entities, dates."""
    from claimledger.extract.attribution import load_nlp
    from claimledger.extract.checkworthy import is_no_comment, score_checkworthy
    from claimledger.extract.claimhood import assess, not_a_claim
    from claimledger.extract.proposition import is_denial
    from claimledger.extract.timex import is_future
    from claimledger.link.embeddings import get_embedder
    from claimledger.link.linker import linking_entities

    check_rules_off(config)
    table = actors if actors is not None else actor_table(config.extract.actors_file)
    batches = extract_statements(articles, config=config, actors=table)
    nested = [
        nested_statements(art, sts, actors=table, rules_off=config.claims.rules_off)
        for art, sts in zip(articles, batches, strict=True)
    ]
    batches = [sts + extra for sts, (extra, _, _) in zip(batches, nested, strict=True)]
    flat = [st for sts in batches for st in sts]
    # A judging sentence is not embedded: what it says of a claim is its judgement.
    judging = {j.outer_id for _, judgements, _ in nested for j in judgements}
    scores = score_checkworthy([st.content_text for st in flat]) if flat else np.zeros(0)
    score_of = {
        st.id: 0.0 if is_no_comment(st.content_text) else float(sc)
        for st, sc in zip(flat, scores, strict=True)
    }
    # Embed what can take part in linking: every attribution (it may report on
    # a claim even when not check-worthy itself), and the outlet's own sentences
    # that state facts: an observation ("satellite images show a pontoon bridge")
    # is evidence about a claim though it opens none. Embedding costs ~4x the parse.
    evidence_bar = min(config.checkworthy.threshold, EVIDENCE_THRESHOLD)
    to_embed = [
        st
        for st in flat
        if (st.attributed or score_of[st.id] >= evidence_bar) and st.id not in judging
    ]
    # One parse of each embedded content: its proposition (subject resolved from the
    # speaker) is what is embedded and what a claim opened from it says.
    assessed = (
        assess(
            [asserted_content(st, rules_off=config.claims.rules_off) for st in to_embed],
            [speaker_name(st) for st in to_embed],
            nlp=load_nlp(),
            denials=[st.attributed and is_denial(st.cue_text) for st in to_embed],
        )
        if to_embed
        else []
    )
    prop_of = {st.id: pa for st, pa in zip(to_embed, assessed, strict=True)}
    vecs = (
        get_embedder().encode([prop_of[st.id][0].text for st in to_embed])
        if to_embed
        else np.zeros((0, DIM), np.float32)
    )
    vec_of = {
        st.id: np.asarray(v, dtype=np.float32).tobytes()
        for st, v in zip(to_embed, vecs, strict=True)
    }
    titled = [art for art in articles if (art.title or "").strip()]
    title_vecs = (
        get_embedder().encode([_proposition(_headline_text(art.title or "")) for art in titled])
        if titled
        else np.zeros((0, DIM), np.float32)
    )
    title_of = {
        art.id: np.asarray(v, dtype=np.float32) for art, v in zip(titled, title_vecs, strict=True)
    }
    created = {a.id for a in table.created()}
    out = []
    for art, sts, (_, judgements, embedded) in zip(articles, batches, nested, strict=True):
        scored = [replace(st, checkworthiness=round(score_of[st.id], 6)) for st in sts]
        scored.sort(key=lambda st: (st.content[0], st.id))
        refs = sorted({st.actor_id for st in scored if st.actor_id and st.actor_id in created})
        an = Analysed(
            article=art,
            statements=scored,
            actors=[table.get(i) for i in refs],
            judgements=judgements,
            embedded=embedded,
        )
        for st in scored:
            if st.id in vec_of:
                an.vectors[st.id] = vec_of[st.id]
                prop, marks = prop_of[st.id]
                an.propositions[st.id] = prop
                rule = not_a_claim(
                    prop,
                    marks,
                    attributed=st.attributed,
                    refers_to=st.time_resolved,
                    published=art.published.date() if art.published else None,
                    rules_off=config.claims.rules_off,
                )
                # "accused the US *of trying to draw Russia into a war*": the object of a cue
                # that is no verb of saying is told with its source and cue (``_claim_body``),
                # a proposition with the cue as its verb.
                if rule == "NC_FRAGMENT" and _claim_body(art.text, st) != st.content_text:
                    rule = None
                if rule is not None:
                    an.not_claim[st.id] = rule
                an.entities[st.id] = sorted(linking_entities(_proposition(st.content_text)))
                when = is_future(st.content_text, art.published) if art.published else None
                if when is not None:
                    an.resolution[st.id] = when
        if art.id in title_of:
            an.headline = _headline_statements(an, title_of[art.id])
            # A headline in capitals is the article's headline, not a teaser for another.
            for sid in an.headline:
                if an.not_claim.get(sid) == "NC_LINK_BOX":
                    del an.not_claim[sid]
        out.append(an)
    return out


def check_rules_off(config: Config) -> None:
    """Refuse a ``claims.rules_off`` id that names no rule (a typo would switch nothing off).

    Raises:
        ConfigError: E401 naming the unknown id.
    """
    from claimledger.extract.claimhood import RULE_IDS as CLAIM_RULES
    from claimledger.extract.nested_patterns import CUE_IDS
    from claimledger.extract.nested_patterns import RULE_IDS as NESTED_RULES
    from claimledger.extract.proposition import CONTENT_RULE_IDS
    from claimledger.ingest.revisions import RULE_IDS as REVISION_RULES
    from claimledger.link.relation import RULE_IDS as RELATION_RULES
    from claimledger.stance.doubt import RULE_IDS as DOUBT_RULES

    known = CLAIM_RULES | RELATION_RULES | set(NESTED_RULES) | REVISION_RULES
    known = known | set(CUE_IDS) | set(DOUBT_RULES)  # judgement cues, the doubt gate
    known = known | CONTENT_RULE_IDS
    unknown = sorted(set(config.claims.rules_off) - known)
    if unknown:
        raise ConfigError(Code.E401, "claims.rules_off", reason=f"unknown rule id {unknown[0]!r}")


def speaker_name(st: Statement) -> str | None:
    """How a statement's speaker is named, for a subject the content leaves out."""
    if not st.attributed:
        return None
    return st.speaker or st.source_text


# "Defence Ministry: Varnia building bridge", "Varnia building bridge, ministry says": the
# speaker part of a headline is not what it reports.
_HEADLINE_SPEAKER = re.compile(
    r"^(?:\S+\s+){0,3}\S+:\s+|,\s+(?:\S+\s+){0,3}\S+\s+(?:says|said|claims)\.?\s*$", re.I
)
# How close (cosine) an attributed statement must be to the headline to be its news.
HEADLINE_SIMILARITY = 0.6
# Below this check-worthiness even the headline's statement opens no claim: on 40 PolNeAR
# dev articles what scored under it was mostly a fragment ("Persuading buyers of his coal").
HEADLINE_MIN_SCORE = 0.25


def _headline_text(title: str) -> str:
    return _HEADLINE_SPEAKER.sub("", title.strip()) or title.strip()


def _headline_statements(an: Analysed, title_vec: NDArray[np.float32]) -> set[str]:
    """The attributed statement that the headline restates (at most one), by cosine."""
    best: tuple[float, str] | None = None
    for st in an.statements:
        raw = an.vectors.get(st.id)
        if raw is None or not st.attributed or (st.checkworthiness or 0.0) < HEADLINE_MIN_SCORE:
            continue
        cos = float(_vec(raw) @ title_vec)
        if cos >= HEADLINE_SIMILARITY and (best is None or cos > best[0]):
            best = (cos, st.id)
    return {best[1]} if best else set()


# -- sequential linking -----------------------------------------------------------------------


def index_path(ledger: Ledger, index_dir: str = "") -> Path | None:
    """Where the claim index of a ledger is saved; None when it is kept in memory only.

    With ``index_dir`` (``store.index_dir``) every ledger's index is saved there
    under a name derived from the store URL (passwords removed): the way for a
    team's processes sharing a PostgreSQL database to share one saved index on a
    common volume instead of each rebuilding it. Without it a SQLite ledger's
    index sits beside the database file and a server database's index lives in
    the process (rebuilt from the stored vectors when the process first needs it).
    """
    import hashlib

    from claimledger.config import redact_url

    url = ledger.url
    if url.endswith(":memory:"):
        return None
    if index_dir:
        if url.startswith("sqlite:///"):  # the same file whatever the working directory
            url = "sqlite:///" + str(Path(url[len("sqlite:///") :]).resolve())
        name = hashlib.sha256(redact_url(url).encode("utf-8")).hexdigest()[:24]
        return Path(index_dir).expanduser() / f"{name}.claims.usearch"
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :] + ".claims.usearch")
    return None


def open_index(ledger: Ledger, *, index_dir: str = "") -> Any:
    """Open the persisted claim index; catch it up with the store, or rebuild it.

    A saved index that holds exactly the store's keys up to its highest claim key
    and member id is behind the store only by what was added after it was written
    (``save_index`` does not rewrite the file for every run): those vectors are read
    from the store and added. Anything else (a missing, damaged or foreign file, a
    key the store no longer has) is rebuilt from every stored vector.
    """
    from claimledger.link.index import VectorIndex

    kept = _OPEN.pop(ledger.url, None)
    if kept is not None:
        # Keys only grow and the catch-up adds every key above the index's highest, so
        # equal counts and key sums mean equal key sets: no need to read every key.
        with ledger.session() as session:
            _catch_up(kept, ledger, session)
        count, total = ledger.claim_key_count()
        if not kept.stale and len(kept) == count and int(kept.keys().sum()) == total:
            return _keep(ledger, kept)
    store_keys = np.asarray(ledger.claim_keys(), dtype=np.int64)
    index = VectorIndex.open(index_path(ledger, index_dir), DIM)
    if index.matches(store_keys):
        _SAVED[index] = len(index)
        return _keep(ledger, index)
    if not index.stale and len(index):
        top_claim, top_member = _watermarks(index.keys())
        own = store_keys < MEMBER_KEY_BASE
        prefix = store_keys[
            (own & (store_keys <= top_claim))
            | (~own & (store_keys <= MEMBER_KEY_BASE + top_member))
        ]
        if index.matches(prefix):
            _SAVED[index] = len(index)
            _SEEN[index] = (top_claim, top_member)
            with ledger.session() as session:
                _catch_up(index, ledger, session)
            if index.matches(store_keys):
                return _keep(ledger, index)
    keys, raws, _ = ledger.claim_vectors()
    if not index.matches(np.asarray(keys, dtype=np.int64)):
        vecs = (
            np.frombuffer(b"".join(raws), dtype=np.float32).reshape(-1, DIM)
            if raws
            else np.zeros((0, DIM), np.float32)
        )
        index.rebuild(np.asarray(keys, dtype=np.int64), vecs)
    _SAVED[index] = len(index)
    return _keep(ledger, index)


# Indexes stay open for the life of the process, by store URL, so that a server, a
# feed watcher or a benchmark ingesting article after article does not load (or, on
# PostgreSQL, rebuild) the index for each one. A kept index is caught up with the
# store and its keys compared with the store's before it is used again.
KEEP_OPEN = 4
_OPEN: dict[str, Any] = {}


def _keep(ledger: Ledger, index: Any) -> Any:
    if ledger.url.endswith(":memory:"):  # every in-memory SQLite store is a new one
        return index
    _OPEN[ledger.url] = index
    while len(_OPEN) > KEEP_OPEN:
        _OPEN.pop(next(iter(_OPEN)))
    return index


def forget_index(ledger: Ledger) -> None:
    """Drop the index kept open for ``ledger`` (the next ``open_index`` reads the store)."""
    _OPEN.pop(ledger.url, None)


def forget_open_indexes() -> None:
    """Drop the indexes kept open (the next ``open_index`` reads the saved file)."""
    _OPEN.clear()


# Rewriting the saved index costs a write of all of it (about 1 GB at a million
# claims) even when a run added one claim. The store is the truth and open_index
# catches a saved index up from it, so the file is rewritten only once enough is new.
SAVE_AFTER_NEW = 2_000
SAVE_AFTER_FRACTION = 0.01
# Keys in each open index when its file was last written (or read).
_SAVED: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def save_index(index: Any, *, force: bool = False) -> bool:
    """Write the index file when enough keys are new since it was written; True if written."""
    saved = _SAVED.get(index, 0)
    new = len(index) - saved
    if not force and new < max(SAVE_AFTER_NEW, SAVE_AFTER_FRACTION * saved):
        return False
    index.save()
    _SAVED[index] = len(index)
    return True


def _watermarks(keys: NDArray[np.int64]) -> tuple[int, int]:
    """Highest claim key and highest member id among index keys."""
    own = keys[keys < MEMBER_KEY_BASE]
    members = keys[keys >= MEMBER_KEY_BASE] - MEMBER_KEY_BASE
    return (int(own.max()) if own.size else 0, int(members.max()) if members.size else 0)


class StoreCandidates:
    """Claim candidates looked up by index key from the store, cached."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._cache: dict[int, Any] = {}

    def put(self, key: int, candidate: Any) -> None:
        self._cache[key] = candidate

    def get(self, key: int, /) -> Any:
        from claimledger.link.linker import ClaimCandidate

        if key not in self._cache:
            found = self.ledger.claims_by_key([key]).get(key)
            if found is None:
                return None
            claim, ents = found
            self._cache[key] = ClaimCandidate.from_claim(claim, entities=frozenset(ents))
        return self._cache[key]


def claimant_name(st: Statement, article: Article, table: Any) -> str | None:
    """Who makes the claim, as people name them: the actor's canonical name when the
    speaker resolved to a known actor, else the speaker as written; the outlet
    for its own sentences."""
    if not st.attributed:
        return article.outlet
    actor = table.get(st.actor_id) if st.actor_id else None
    if actor is not None and actor.id != "unknown" and not actor.id.startswith("auto:"):
        return str(actor.name)
    return st.speaker


def _vec(raw: bytes) -> NDArray[np.float32]:
    return np.frombuffer(raw, dtype=np.float32)


def link_analysed(
    analysed: Sequence[Analysed],
    *,
    ledger: Ledger,
    config: Config,
    index: Any | None = None,
    progress: Progress | None = None,
    actors: Any | None = None,
    in_order: bool = False,
) -> ProcessReport:
    """Store statements, link them to claims (opening claims as needed), classify stances.

    Articles are taken in (published, id) order; each article is one transaction.
    With ``in_order`` the order holds across writers too: linking stops before an
    article when an earlier one is still pending in the store (another writer stored
    or is analysing it), and the caller's next batch, which starts at the earliest
    pending article, goes on from there. Concurrent writers then end with the
    ledger one writer gives.
    Within an article: every statement with a vector is matched against the
    index; matches get a stance in one batch, and a match the stance model
    calls ``unrelated`` is dropped. When the kept ordinary links all go to one
    claim, the article's other unmatched statements are offered to it (article
    context, ``_context_matches``) and kept only on a confident supporting or
    refuting stance. Statements left unmatched open a claim when check-worthy.
    """
    from claimledger.pipeline.revisions import apply_revision, revision_view

    report = ProcessReport()
    index = index if index is not None else open_index(ledger, index_dir=config.store.index_dir)
    lookup = StoreCandidates(ledger)
    table = actors if actors is not None else actor_table(config.extract.actors_file)
    facts = ClaimFacts(table)
    ordered = sorted(
        analysed,
        key=lambda a: (a.article.published or datetime.min.replace(tzinfo=UTC), a.article.id),
    )
    try:
        for an in ordered:
            art = an.article
            if an.actors:
                # Before the article's transaction: idempotent, and the statements need them.
                ledger.upsert_actors(an.actors)
                for actor in an.actors:
                    if table.get(actor.id) is None:
                        table.add(actor)
            with ledger.session() as session:
                ledger.lock_linking(session)
                row = session.get(ArticleRow, art.id)
                if row is None or row.processed:
                    continue
                if in_order and ledger.earlier_pending(session, art.id):
                    break
                _catch_up(index, ledger, session)
                # A revision links only what its edit added (pipeline/revisions.py).
                an = revision_view(an, ledger=ledger, session=session, config=config)
                report.statements += ledger.put_statements(session, an.statements)
                matched, unmatched = _match_statements(
                    an, index=index, lookup=lookup, config=config, facts=facts
                )
                # The article's writes share one session, index and report.
                link = partial(
                    _link_reports,
                    an,
                    ledger=ledger,
                    session=session,
                    index=index,
                    lookup=lookup,
                    report=report,
                    rules_off=config.claims.rules_off,
                )
                rejected = link(matched)
                waiting = {st.id for st in unmatched}
                unmatched += [st for st in rejected if st.id not in waiting]
                # Article context: the claims this article relays reach its other sentences.
                gone = {st.id for st in rejected}
                relayed = [
                    m
                    for m in matched
                    if not m.weak and not m.evidence and m.statement.id not in gone
                ]
                tried = {(m.statement.id, m.claim_id) for m in matched if m.statement.id in gone}
                context = _context_matches(an, unmatched, relayed, session=session, tried=tried)
                if context:
                    dropped = link(context)
                    linked = {m.statement.id for m in context} - {st.id for st in dropped}
                    unmatched = [st for st in unmatched if st.id not in linked]
                _open_claims(
                    an,
                    unmatched,
                    config=config,
                    link=link,
                    open_claim=partial(
                        _open_claim,
                        an,
                        ledger=ledger,
                        session=session,
                        index=index,
                        lookup=lookup,
                        table=table,
                        report=report,
                        facts=facts,
                    ),
                    facts=facts,
                )
                _link_judgements(an, ledger=ledger, session=session, report=report)
                doubts = _doubt_matches(an, session=session, rules_off=config.claims.rules_off)
                if doubts:
                    link(doubts)
                report.links += apply_revision(an, ledger=ledger, session=session, config=config)
                ledger.mark_processed(session, art.id)
            report.articles += 1
            if progress:
                progress("linked", report.articles)
    except BaseException:
        # An article's transaction failed after its keys went into the index: the index
        # now holds keys the store never got, so it must not be kept for the next run.
        forget_index(ledger)
        raise
    save_index(index)
    return report


# How far each open index has caught up with the store: (claim key, member id).
_SEEN: weakref.WeakKeyDictionary[Any, tuple[int, int]] = weakref.WeakKeyDictionary()


def _doubt_matches(an: Analysed, *, session: Any, rules_off: Sequence[str] = ()) -> list[_Match]:
    """The article's own news and the doubts about it that follow (the usual shape of a
    story: a party announces, the other side asks for proof, an observer sees no sign).

    The claim the headline's statement asserts or reports is offered every other
    statement of the article about the same kind of event (cosine at least the article
    context's bar) that is not yet linked to it; ``_link_reports`` keeps those whose
    stance refutes or questions it.
    """
    from claimledger.link.linker import DEFAULT_WEIGHTS
    from claimledger.stance.doubt import doubt_rules
    from claimledger.store.models import LinkRow

    if not an.headline or DEFAULT_WEIGHTS.context_min_similarity is None:
        return []
    [head_id] = sorted(an.headline)
    head = next(st for st in an.statements if st.id == head_id)
    rows = session.execute(
        select(LinkRow.claim_id).where(
            LinkRow.statement_id == head_id, LinkRow.role.in_(("assertion", "report"))
        )
    ).all()
    if len(rows) != 1:
        return []
    claim_id = rows[0][0]
    claim = session.get(ClaimRow, claim_id)
    if claim is None or not claim.vector:
        return []
    linked = set(
        session.scalars(select(LinkRow.statement_id).where(LinkRow.claim_id == claim_id)).all()
    )
    claim_vec = _vec(claim.vector)
    out = []
    for st in an.statements:
        raw = an.vectors.get(st.id)
        if raw is None or st.id in linked or st.id == head.id:
            continue
        cos = float(_vec(raw) @ claim_vec)
        # A doubt cue needs no words of the claim: "we will see, then we will believe".
        if cos >= DEFAULT_WEIGHTS.context_min_similarity or doubt_rules(
            st.content_text, off=rules_off
        ):
            out.append(_Match(st, claim_id, None, cos, claim.text, doubt=True))
    return out


# How sure a judgement read off a cue ("false", "cannot verify") is: above the verdict
# policy's default ``min_confidence``, below a model's confident call.
JUDGEMENT_CONFIDENCE = 0.8


def _link_judgements(an: Analysed, *, ledger: Ledger, session: Any, report: ProcessReport) -> None:
    """Link each judging statement to the claim its embedded claim asserts or reports."""
    from claimledger.store.models import LinkRow

    for j in an.judgements:
        claim_ids = session.scalars(
            select(LinkRow.claim_id).where(
                LinkRow.statement_id == j.embedded_id,
                LinkRow.role.in_(("assertion", "report")),
            )
        ).all()
        for claim_id in sorted(set(claim_ids)):
            link = Link(
                id=hash_id(claim_id, j.outer_id, prefix="l"),
                claim_id=claim_id,
                article_id=an.article.id,
                stance=j.stance,  # type: ignore[arg-type]
                confidence=JUDGEMENT_CONFIDENCE,
                similarity=1.0,
                statement_id=j.outer_id,
                role="evidence",
            )
            if ledger.put_link(session, link):
                report.links += 1
                session.execute(update(ClaimRow).where(ClaimRow.id == claim_id).values(dirty=True))


def _catch_up(index: Any, ledger: Ledger, session: Any) -> None:
    """Add to the in-memory index the vectors other writers committed since it was loaded."""
    seen = _SEEN.get(index)
    if seen is None:
        seen = _watermarks(index.keys())
    keys, raws, top_claim, top_member = ledger.vectors_after(session, *seen)
    fresh = [(k, r) for k, r in zip(keys, raws, strict=True) if k not in index]
    if fresh:
        vecs = np.frombuffer(b"".join(r for _, r in fresh), dtype=np.float32).reshape(-1, DIM)
        index.add(np.asarray([k for k, _ in fresh], dtype=np.int64), vecs)
    _SEEN[index] = (top_claim, top_member)


# A linked statement becomes a further way into its claim only when it is a
# close paraphrase: looser members would let claims drift into their neighbours.
MEMBER_SIMILARITY = 0.7


@dataclass(frozen=True, slots=True)
class _Match:
    statement: Statement
    claim_id: str
    key: int | None
    similarity: float
    claim_text: str
    weak: bool = False  # a contradiction link: kept only if the stance refutes or questions
    context: bool = False  # an article-context link: kept only if the stance takes a side
    # Evidence about the claim, not the claim itself (link/relation.py): kept only if the
    # stance takes a side, never a way into the claim; ``failed`` names the same-claim
    # rules the pair failed.
    evidence: bool = False
    failed: tuple[str, ...] = ()
    # A doubt about the article's own news: kept only if the stance refutes or questions.
    doubt: bool = False


class ClaimFacts:
    """Propositions and subject sides of candidate claims, read once per linking run.

    A claim opened in this run brings its statement's proposition; an older one is
    parsed from its stored text (already a self-contained proposition) when first met.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        self._facts: dict[str, tuple[Proposition, str | None]] = {}

    def side(self, prop: Proposition, actor_id: str | None = None) -> str | None:
        """The state (or, failing that, the actor) a proposition's subject stands for."""
        return subject_side(prop, self.table, actor_id=actor_id)

    def put(self, claim_id: str, prop: Proposition, side: str | None) -> None:
        self._facts[claim_id] = (prop, side)

    def get(self, claim_id: str, text: str) -> tuple[Proposition, str | None]:
        found = self._facts.get(claim_id)
        if found is None:
            from claimledger.extract.attribution import load_nlp
            from claimledger.extract.claimhood import assess

            [(prop, _)] = assess([text], [None], nlp=load_nlp())
            found = (prop, self.side(prop))
            self._facts[claim_id] = found
        return found


def subject_side(prop: Proposition, table: Any, *, actor_id: str | None = None) -> str | None:
    """The state a proposition's subject acts for: that of the first name in it the actor
    table knows ("Moscow", "Russian troops" -> russia); the speaker's when the subject was
    resolved from the speaker (``actor_id``); None when unknown or no state's (reporters,
    satellite firms and monitors observe, they are not the doers a claim is about)."""
    for name in prop.subject_names:
        actor = table.resolve(name)
        if actor is not None and not actor.id.startswith("auto:"):
            state = table.home_state(actor.id)
            return str(state) if state else None
    if actor_id is not None and prop.subject_names and prop.subject is not None:
        state = table.home_state(actor_id)
        return str(state) if state else None
    return None


def _statement_side(an: Analysed, st: Statement, facts: ClaimFacts) -> str | None:
    prop = an.propositions.get(st.id)
    if prop is None:
        return None
    speaker = speaker_name(st)
    resolved = speaker is not None and prop.subject == speaker
    return facts.side(prop, st.actor_id if resolved else None)


def _match_statements(
    an: Analysed,
    *,
    index: Any,
    lookup: StoreCandidates,
    config: Config,
    facts: ClaimFacts,
) -> tuple[list[_Match], list[Statement]]:
    """Each embedded statement's best claim, as a same-claim or an evidence match.

    A statement that is only evidence about its claim is also returned as unmatched:
    it may open a claim of its own.
    """
    from claimledger.link.linker import content_words, scored_candidates
    from claimledger.link.relation import Thresholds, relation

    matched: list[_Match] = []
    unmatched: list[Statement] = []
    art = an.article
    bars = Thresholds(same=config.link.same_similarity, evidence=config.link.evidence_similarity)
    for st in an.statements:
        raw = an.vectors.get(st.id)
        if raw is None:
            continue
        accepted, weak = scored_candidates(
            _vec(raw),
            actor_id=st.actor_id,
            entities=frozenset(an.entities.get(st.id, ())),
            date=st.time_resolved or (art.published.date() if art.published else None),
            index=index,
            candidates=lookup,
            k=config.link.k,
            threshold=min(config.link.threshold, bars.evidence),
            words=content_words(_proposition(st.content_text)),
        )
        prop = an.propositions.get(st.id)
        if not accepted:
            if weak is not None:
                # A contradiction candidate: kept only if the stance refutes or questions.
                matched.append(
                    _Match(
                        st,
                        weak.claim.claim_id,
                        weak.key,
                        weak.pair.similarity,
                        weak.claim.text,
                        weak=True,
                    )
                )
                if "EV_WEAK_OPENS" in config.claims.rules_off:
                    continue
            # A contradiction of one claim may be a claim of its own ("a fake video shows
            # a staged attack" against "Russia may attack at any moment"), as evidence is.
            unmatched.append(st)
            continue
        same: _Match | None = None
        evidence: list[_Match] = []
        rules_off: Sequence[str] = config.claims.rules_off
        if st.id in an.embedded:
            # "Moscow's claim that it was withdrawing forces" names a claim Moscow made
            # before, in the judge's words: its side must agree, its verb need not
            # ("withdrawing" for "pulling back").
            rules_off = (*rules_off, "SC_PREDICATE")
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "candidates %s: %s",
                st.id,
                ", ".join(f"{c.claim.claim_id}@{c.pair.similarity:.2f}" for c in accepted),
            )
        for cand in accepted:
            cos = cand.pair.similarity
            kind: str = "same"
            failed: list[str] = []
            if prop is not None:
                claim_prop, claim_side = facts.get(cand.claim.claim_id, cand.claim.text)
                kind, failed = relation(
                    cos,
                    prop,
                    claim_prop,
                    stmt_side=_statement_side(an, st, facts),
                    claim_side=claim_side,
                    thresholds=bars,
                    rules_off=rules_off,
                )
                if kind == "same" and cand.pair.score < config.link.threshold:
                    kind = "evidence"
            if kind == "same" and same is None:
                same = _Match(st, cand.claim.claim_id, cand.key, cos, cand.claim.text)
            elif (
                kind != "none"
                and len(evidence) < EVIDENCE_PER_STATEMENT
                and not _made_after(cand.claim, art)
            ):
                evidence.append(
                    _Match(
                        st,
                        cand.claim.claim_id,
                        cand.key,
                        cos,
                        cand.claim.text,
                        evidence=True,
                        failed=tuple(failed),
                    )
                )
        matched.extend([same] if same is not None else [])
        matched.extend(evidence)
        if same is None:
            # Only evidence about other claims (or nothing): it may open a claim of its own.
            unmatched.append(st)
    return matched, unmatched


def _made_after(claim: Any, article: Article) -> bool:
    """Whether a claim was first made after ``article`` was published: no evidence about it.

    Linking in publication order never sees such a claim; writers linking concurrently, or
    an archive ingested after newer news, would, and the ledger would depend on the order
    articles happened to be linked in.
    """
    made, published = claim.first_seen, article.published
    return made is not None and published is not None and made > published


# Claims a statement may be evidence about besides the one it restates.
EVIDENCE_PER_STATEMENT = 2


def _context_matches(
    an: Analysed,
    statements: Sequence[Statement],
    relayed: Sequence[_Match],
    *,
    session: Any,
    tried: set[tuple[str, str]],
) -> list[_Match]:
    """Article context: unlinked statements of an article offered to the claim it relays.

    ``relayed`` are the article's kept, ordinary (not contradiction) links. When they
    all go to one claim, a close paraphrase of it is in the article and the article
    is about it, so its other sentences may carry evidence without naming it
    (``linker.inherits_subject``); the caller keeps such a link only on a confident
    supporting or refuting stance (``linker.keeps_context_link``). An article that
    relays several claims has no single subject for a nameless sentence to inherit:
    nothing is offered.
    """
    from claimledger.link.linker import content_words, inherits_subject

    subjects = {m.claim_id: m.key for m in relayed}
    if len(subjects) != 1:
        return []
    [(claim_id, key)] = subjects.items()
    row = session.get(ClaimRow, claim_id)
    if row is None or not row.vector:
        return []
    claim_vec, claim_ents = _vec(row.vector), frozenset(row.entities or ())
    claim_words = content_words(row.text)
    out: list[_Match] = []
    for st in statements:
        raw = an.vectors.get(st.id)
        if raw is None or (st.id, claim_id) in tried:
            continue
        cos = float(_vec(raw) @ claim_vec)
        ents = frozenset(an.entities.get(st.id, ()))
        if inherits_subject(
            cos,
            entities=ents,
            claim_entities=claim_ents,
            words=content_words(_proposition(st.content_text)),
            claim_words=claim_words,
        ):
            out.append(_Match(st, claim_id, key, cos, row.text, context=True))
    return out


def _stance_text(an: Analysed, st: Statement) -> str:
    """What a statement's stance towards a claim is read from.

    A denial whose proposition is its content negated ("Russia denied | it plans to
    invade" -> "Russia does not plan to invade") asserts that negation: the stance model
    reads the proposition, not "Russia denied it plans to invade", which it takes for a
    refutation even of the claim that Russia does not plan to invade. Otherwise the
    statement's own stance text (``stance.predict.statement_stance_text``).
    """
    from claimledger.extract.proposition import is_denial
    from claimledger.stance.predict import statement_stance_text

    prop = an.propositions.get(st.id)
    if prop is not None and st.attributed and prop.negated and is_denial(st.cue_text):
        return prop.text
    return statement_stance_text(st)


def _shared_words(st: Statement, claim_text: str) -> int:
    """How many content words a statement shares with a claim's text."""
    from claimledger.link.linker import content_words

    return len(content_words(_proposition(st.content_text)) & content_words(claim_text))


def _link_reports(
    an: Analysed,
    matched: list[_Match],
    *,
    ledger: Ledger,
    session: Any,
    index: Any,
    lookup: StoreCandidates,
    report: ProcessReport,
    rules_off: Sequence[str] = (),
) -> list[Statement]:
    """Write report links with their stances; return statements the stance model found unrelated."""
    from claimledger.link.linker import (
        keeps_context_link,
        keeps_weak_link,
        main_clause,
    )
    from claimledger.link.relation import (
        keeps_article_reaction,
        keeps_evidence,
        relays,
        restated_stance,
    )
    from claimledger.stance.predict import predict_stance

    if not matched:
        return []
    # Stance towards what the claim asserts, not towards the background it concedes.
    stances = predict_stance(
        [(main_clause(m.claim_text), _stance_text(an, m.statement)) for m in matched]
    )
    unrelated: list[Statement] = []
    for m, (stance, conf) in zip(matched, stances, strict=True):
        st = m.statement
        if (
            stance == "unrelated"
            or (m.weak and not keeps_weak_link(stance, conf))
            or (m.context and not keeps_context_link(stance, conf))
            or (
                m.evidence
                and not keeps_evidence(
                    stance,
                    conf,
                    m.failed,
                    shared=_shared_words(st, m.claim_text),
                    rules_off=rules_off,
                )
            )
            or (
                m.doubt
                and not keeps_article_reaction(
                    stance, conf, shared=_shared_words(st, m.claim_text), rules_off=rules_off
                )
            )
        ):
            log.debug(
                "drop %s -> %s: %s %.2f (cos %.2f, failed %s)",
                st.id,
                m.claim_id,
                stance,
                conf,
                m.similarity,
                ",".join(m.failed) or "-",
            )
            # A dropped evidence link leaves its statement where it was (it is already
            # free to open a claim); a dropped restatement frees it.
            if not m.evidence:
                unrelated.append(st)
            continue
        # An outlet's sentence that names someone's report of the claim relays it ("a
        # patrol visited Lerin following reports that it had been shelled") without
        # asserting it (``relation.relays``).
        restates = not (m.evidence or m.weak or m.context or m.doubt) and (
            st.attributed or not relays(an.propositions.get(st.id))
        )
        # Dating and membership below still read the model's own stance: a restatement the
        # model read as mere discussion is a report on the claim, neither the repeat of a
        # prediction that dates it nor one of its ways in.
        modelled = stance
        if restates:
            stance = restated_stance(stance, rules_off=rules_off)
        link = Link(
            id=hash_id(m.claim_id, st.id, prefix="l"),
            claim_id=m.claim_id,
            article_id=an.article.id,
            stance=stance,
            confidence=float(conf),
            similarity=m.similarity,
            statement_id=st.id,
            role="evidence" if m.evidence or m.weak or m.context or m.doubt else "report",
        )
        report.links += int(ledger.put_link(session, link))
        session.execute(update(ClaimRow).where(ClaimRow.id == m.claim_id).values(dirty=True))
        # A report that repeats a prediction dates it; one that merely mentions a date
        # near a claim (a warning "as early as Wednesday" linked to a request) does not.
        if st.id in an.resolution and modelled == "supports":
            ledger.set_resolution_date(session, m.claim_id, an.resolution[st.id])
        # A refutation worded like the claim ("no withdrawal of units from Kasel") is not
        # a paraphrase: as a member it would pull unrelated statements into the claim.
        # Nor does a context link: it is evidence about the claim, not a way of saying it.
        if (
            m.similarity >= MEMBER_SIMILARITY
            and modelled == "supports"
            and not m.context
            and not m.evidence
        ):
            raw = an.vectors[st.id]
            member = ledger.add_member(session, m.claim_id, st.id, raw)
            cand = lookup.get(m.key) if m.key is not None else None
            if member is not None and cand is not None:
                index.add(np.asarray([member], dtype=np.int64), _vec(raw).reshape(1, -1))
                lookup.put(member, cand)
    return unrelated


def _open_claims(
    an: Analysed,
    statements: Sequence[Statement],
    *,
    config: Config,
    link: Callable[[list[_Match]], list[Statement]],
    open_claim: Callable[[Statement], _Match],
    facts: ClaimFacts | None = None,
) -> None:
    """Open claims for the article's unlinked check-worthy (or headline) statements.

    In reading order; a later sentence that restates a claim the article has just
    opened (``_restates``) is a report on that claim, not a claim of its own, unless
    the stance model finds it unrelated: then it is a claim after all.
    """
    opened: list[_Match] = []
    restated: list[_Match] = []
    for st in sorted(statements, key=lambda x: (x.content[0], x.id)):
        if not _opens_claim(an, st, config=config) or st.id in an.not_claim:
            continue
        again = _restates(an, st, opened, config=config, facts=facts)
        if again is not None:
            restated.append(again)
        else:
            opened.append(open_claim(st))
    for st in link(restated):
        open_claim(st)


def _opens_claim(an: Analysed, st: Statement, *, config: Config) -> bool:
    """Whether a statement is worth a claim of its own (before the not-a-claim rules).

    The headline's statement is; an outlet's own sentence is when the check-worthiness
    model says so; a known speaker's assertion with a verb of its own is from a lower
    score (``checkworthy.attributed_threshold``): an actor's assertion about facts,
    events, intentions or the future is what a claim is, however it is worded.
    """
    score = st.checkworthiness or 0.0
    # An embedded claim is one by construction: someone judged it.
    if score >= config.checkworthy.threshold or st.id in an.headline or st.id in an.embedded:
        return True
    prop = an.propositions.get(st.id)
    return (
        st.attributed
        and st.actor_id is not None
        and prop is not None
        and prop.finite
        and score >= config.checkworthy.attributed_threshold
    )


def _restates(
    an: Analysed,
    st: Statement,
    opened: Sequence[_Match],
    *,
    config: Config,
    facts: ClaimFacts | None = None,
) -> _Match | None:
    """The claim opened earlier in this article that ``st`` restates, as a match, or None.

    One article makes several points on one subject, all near each other: only a
    paraphrase (cosine at least ``MEMBER_SIMILARITY`` and the linking threshold) of a
    claim it has just opened is a restatement of that claim.
    """
    raw = an.vectors.get(st.id)
    if raw is None or not opened:
        return None
    bar = max(MEMBER_SIMILARITY, config.link.threshold)
    best: tuple[float, _Match] | None = None
    for m in opened:
        cos = float(_vec(raw) @ _vec(an.vectors[m.statement.id]))
        if cos >= bar and (best is None or cos > best[0]):
            best = (cos, m)
    if best is None:
        return None
    cos, m = best
    prop, other = an.propositions.get(st.id), an.propositions.get(m.statement.id)
    if facts is not None and prop is not None and other is not None:
        from claimledger.link.relation import failed_same_rules

        # A paraphrase about another actor or other figures is a point of its own.
        if failed_same_rules(
            prop,
            other,
            stmt_side=_statement_side(an, st, facts),
            claim_side=_statement_side(an, m.statement, facts),
            rules_off=config.claims.rules_off,
        ):
            return None
    return _Match(st, m.claim_id, m.key, cos, m.claim_text)


# Cues whose content is a whole proposition ("said that ...", "warned ..."). After any
# other cue the content is an object ("described *the warnings as hysteria*", "accused
# *Ostrela of a violation*"), a proposition only with its subject and verb.
_CLAUSE_CUE = re.compile(
    r"\b(?:say|said|tell|told|add|state|accord|claim|announc|warn|insist|den[iy]|confirm|"
    r"report|believ|think|thought|argu|not[ei]|explain|writ|wrote|suggest|predict|promis|"
    r"admit|alleg|assert|stress|repeat|repl|acknowledg|declar|reiterat|emphasi[sz]|maintain|"
    r"contend|conced|conclud|estimat|expect|recall)\w*",
    re.IGNORECASE,
)


# Words before a cue's verb: "have in the past *described*", "has *issued* an amber warning".
_CUE_LEAD = frozenset(
    """have has had is are was were be been being will would shall could may might also again
    repeatedly later earlier then still now in the past on at for of a an it its they he she
    previously already publicly""".split()
)


def _cue_verb(cue: str) -> str:
    """The verb of a cue: its first word that is not an auxiliary, adverb or function word."""
    return next((w for w in cue.split() if w.casefold() not in _CUE_LEAD), "")


def _claim_body(text: str, st: Statement) -> str:
    """The words a claim opened from ``st`` is stated in.

    Usually the content. Two kinds of content are no proposition on their own: one
    with its cue inside ("Temperatures *are expected* to fall": the span as written),
    and the object of a cue that is not a verb of saying ("Varnian officials have
    described *the warnings as hysteria*": with its source and cue). A quotation keeps
    its words without the "he said" inside it.
    """
    c0, c1 = st.content
    if st.cue is None or not (0 <= c0 < c1 <= len(text)):
        return st.content_text
    q0, q1 = st.cue
    if any(ch in text[c0:c1] for ch in '"“”'):
        return st.content_text
    inside = st.source is not None and c0 <= st.source[0] < c1
    if c0 < q0 and q1 < c1 and not inside:
        return text[c0:c1]
    body = st.content_text.lstrip()
    if (
        q1 <= c0
        and c0 - q1 <= 3
        and not _CLAUSE_CUE.match(_cue_verb(st.cue_text or ""))
        and not body.lower().startswith(("that ", "whether ", "if "))
    ):
        start = q0
        if st.source is not None and st.source[1] <= q0 and q0 - st.source[1] <= 3:
            start = st.source[0]
        return text[start:c1]
    return st.content_text


def _open_claim(
    an: Analysed,
    st: Statement,
    *,
    ledger: Ledger,
    session: Any,
    index: Any,
    lookup: StoreCandidates,
    table: Any,
    report: ProcessReport,
    facts: ClaimFacts | None = None,
) -> _Match:
    """Open a claim asserted by ``st``; returns it as ``st``'s own match."""
    from claimledger.link.linker import ClaimCandidate, canonical_text

    art = an.article
    raw = an.vectors[st.id]
    ents = frozenset(an.entities.get(st.id, ()))
    body = _claim_body(art.text, st)
    prop = an.propositions.get(st.id)
    claim = Claim(
        id=hash_id(st.id, prefix="c"),
        # The proposition when the content is what was said; a content that is no
        # proposition on its own is told with its source and cue (``_claim_body``).
        text=prop.text
        if prop is not None and body == st.content_text
        else canonical_text(_DATELINE.sub("", body)),
        first_seen=art.published,
        claimant_name=claimant_name(st, art, table),
        claimant_actor_id=st.actor_id,
        resolution_date=an.resolution.get(st.id),
        first_statement_id=st.id,
    )
    key = ledger.put_claim(session, claim, vector=raw, entities=sorted(ents))
    if facts is not None and prop is not None and claim.text == prop.text:
        facts.put(claim.id, prop, _statement_side(an, st, facts))
    index.add(np.asarray([key], dtype=np.int64), _vec(raw).reshape(1, -1))
    lookup.put(key, ClaimCandidate.from_claim(claim, entities=ents))
    report.claims += 1
    link = Link(
        id=hash_id(claim.id, st.id, prefix="l"),
        claim_id=claim.id,
        article_id=art.id,
        stance="supports",
        confidence=1.0,
        similarity=1.0,
        statement_id=st.id,
        role="assertion",
    )
    report.links += int(ledger.put_link(session, link))
    return _Match(st, claim.id, key, 1.0, claim.text)


# -- verdicts ------------------------------------------------------------------------------------


def ledger_now(ledger: Ledger) -> datetime:
    """The ledger's present: the wall clock, or the newest article if that is later.

    Archives and fixtures can be dated ahead of the machine's clock; a
    prediction is judged against what the ledger has seen.
    """
    with ledger.session() as s:
        newest = s.scalar(
            select(ArticleRow.published).order_by(ArticleRow.published.desc()).limit(1)
        )
    now = datetime.now(UTC)
    return max(now, newest) if newest is not None else now


def policy_of(config: Config) -> Any:
    from claimledger.verify.policy import load_policy

    try:
        return load_policy(config.policy.model_dump())
    except ConfigError:
        raise
    except ValueError as exc:
        raise ConfigError(Code.E401, "policy", reason=str(exc).splitlines()[0]) from exc


def claim_evidence(
    ledger: Ledger, claim_ids: Sequence[str], *, config: Config | None = None
) -> dict[str, list[Any]]:
    """Evidence of the given claims with the analysts' review laid over the machine's
    (review/overlay.py); ``config`` gives the suggestion policy (docs/review.md)."""
    from claimledger.review.apply import reviewed_evidence

    return reviewed_evidence(ledger, claim_ids, config=config, machine=machine_evidence)


def machine_evidence(ledger: Ledger, claim_ids: Sequence[str]) -> dict[str, list[Any]]:
    """Evidence records of the given claims, joined from links, statements, articles, outlets."""
    from claimledger.pipeline.manual_evidence import manual_evidence_records
    from claimledger.records import Outlet
    from claimledger.verify.evidence import evidence_from_records

    out: dict[str, list[Any]] = {cid: [] for cid in claim_ids}
    # Evidence kept by hand (fact-checks, analysts' sources): pipeline/manual_evidence.py.
    for cid, items in manual_evidence_records(ledger, claim_ids).items():
        out[cid].extend(items)
    links = ledger.links(claim_ids=claim_ids)
    if not links:
        return out
    arts = {a.id: a for a in ledger.articles(ids=sorted({lk.article_id for lk in links}))}
    stmts = {
        s.id: s
        for s in ledger.statements(ids=sorted({lk.statement_id for lk in links if lk.statement_id}))
    }
    origin_ids = sorted({a.origin_id for a in arts.values() if a.origin_id})
    with ledger.session() as s:
        outlets = {
            r.name: Outlet(id=r.id, name=r.name, actor_id=r.actor_id)
            for r in s.scalars(select(OutletRow))
        }
        first_of_origin: dict[str, str] = dict(
            s.execute(
                select(OriginRow.id, OriginRow.first_article_id).where(OriginRow.id.in_(origin_ids))
            ).all()
        )
        first_outlet: dict[str, str] = dict(
            s.execute(
                select(ArticleRow.id, OutletRow.name)
                .join(OutletRow, OutletRow.id == ArticleRow.outlet_id)
                .where(ArticleRow.id.in_(sorted(set(first_of_origin.values()))))
            ).all()
        )
    for lk in links:
        art = arts[lk.article_id]
        origin_first = first_of_origin.get(art.origin_id or "")
        ev = evidence_from_records(
            lk,
            article=art,
            statement=stmts.get(lk.statement_id or ""),
            outlet=outlets.get(art.outlet or ""),
            origin_outlet=outlets.get(first_outlet.get(origin_first or "", "")),
        )
        out[lk.claim_id].append(ev)
    return out


def claim_headlines(ledger: Ledger, claims: Sequence[Claim]) -> dict[str, str]:
    """Claim id -> title of the article the claim was first seen in (claims with one)."""
    firsts = {c.id: c.first_statement_id for c in claims if c.first_statement_id}
    if not firsts:
        return {}
    article_of = {
        st.id: st.article_id for st in ledger.statements(ids=sorted(set(firsts.values())))
    }
    titles = {a.id: a.title or "" for a in ledger.articles(ids=sorted(set(article_of.values())))}
    return {cid: titles.get(article_of.get(sid, ""), "") for cid, sid in firsts.items()}


def recompute(
    claim_ids: Sequence[str], *, ledger: Ledger, config: Config, now: datetime | None = None
) -> list[Any]:
    """Replay the status history of the given claims; returns status events that are new."""
    from claimledger.pipeline.views import ITEM_ERRORS, item_problem, note_problems
    from claimledger.verify.engine import replay
    from claimledger.verify.parties import claim_parties

    policy = policy_of(config)
    actors = ledger_actors(ledger, config)
    now = now or ledger_now(ledger)
    fresh: list[Any] = []
    from claimledger.review.apply import Review, machine_links

    review = Review.load(ledger)
    claim_ids = review.widen(claim_ids)  # a merged or moved claim's evidence counts elsewhere
    # In parts: the evidence and headline queries name every claim id of a part in one
    # IN-list, and a recompute of every claim of a large ledger must not build one of
    # millions (nor hold all its evidence at once).
    for at in range(0, len(claim_ids), RECOMPUTE_PART):
        part = claim_ids[at : at + RECOMPUTE_PART]
        evidence = claim_evidence(ledger, part, config=config)
        claims = [ledger.get_claim(cid) for cid in part]
        headlines = claim_headlines(ledger, claims)
        for cid, claim in zip(part, claims, strict=True):
            try:
                parties = claim_parties(
                    claim, resolver=actors, affiliations=actors, headline=headlines.get(cid, "")
                )
                events = replay(
                    claim,
                    evidence[cid],
                    policy=policy,
                    affiliations=actors,
                    now=now,
                    parties=review.parties(cid, parties),
                )
                events = review.history(cid, events)
            except ITEM_ERRORS as exc:  # one bad claim: noted on it, kept dirty, the rest goes on
                note_problems(ledger, {cid: f"not recomputed: {item_problem(exc)}"})
                continue
            with ledger.session() as session:
                ledger.lock_linking(session)  # concurrent writers may recompute the same claim
                # Whether links came in meanwhile is asked of the claim's own machine links.
                evidence[cid] = machine_links(evidence, cid)
                linked = [ev.link_id for ev in evidence[cid] if ev.kind == "link"]
                if not ledger.evidence_current(session, cid, linked):
                    continue  # linked to meanwhile: stays dirty, the linking writer recomputes it
                fresh.extend(ledger.replace_history(session, cid, events))
                session.execute(update(ClaimRow).where(ClaimRow.id == cid).values(dirty=False))
    return fresh


# Claims recomputed per part (see ``recompute``).
RECOMPUTE_PART = 500


def recompute_dirty(*, ledger: Ledger, config: Config) -> list[Any]:
    """Recompute claims flagged dirty (and those with no history yet)."""
    with ledger.session() as s:
        ids = list(
            s.scalars(select(ClaimRow.id).where(ClaimRow.dirty.is_(True)).order_by(ClaimRow.id))
        )
    fresh = recompute(ids, ledger=ledger, config=config) if ids else []
    if fresh:
        from claimledger.pipeline.alerts import publish

        publish(fresh, ledger=ledger, config=config)
    return fresh


def recompute_all(*, ledger: Ledger, config: Config) -> int:
    """Recompute every claim; returns how many."""
    ids = ledger.all_claim_ids()
    recompute(ids, ledger=ledger, config=config)
    return len(ids)


# -- orchestration -----------------------------------------------------------------------------


def process_pending(
    *, ledger: Ledger, config: Config, batch: int = 32, progress: Progress | None = None
) -> ProcessReport:
    """Analyse every stored article not processed yet, in (published, id) order."""
    total = ProcessReport()
    actors = ledger_actors(ledger, config)
    ledger.upsert_actors(actors.actors())
    index = open_index(ledger, index_dir=config.store.index_dir)
    while True:
        todo = ledger.articles(unprocessed=True, limit=batch)
        if not todo:
            break
        part = link_analysed(
            analyse_articles(todo, config=config, actors=actors),
            ledger=ledger,
            config=config,
            index=index,
            progress=progress,
            actors=actors,
            in_order=True,
        )
        total.articles += part.articles
        total.statements += part.statements
        total.claims += part.claims
        total.links += part.links
        recompute_dirty(ledger=ledger, config=config)
    recompute_dirty(ledger=ledger, config=config)
    return total


def track_claim(
    text: str, *, claimant: str | None, when: datetime | None, ledger: Ledger, config: Config
) -> Claim:
    """Register a claim by hand; later reports link to it like any other claim."""
    from claimledger.link.embeddings import get_embedder
    from claimledger.link.linker import canonical_text, linking_entities

    if not text.strip():
        raise ConfigError(Code.E402, "track", reason="empty claim text")
    actors = ledger_actors(ledger, config)
    actor: Actor | None = actors.resolve_or_create(claimant) if claimant else None
    when = when or datetime.now(UTC)
    claim = Claim(
        id=hash_id("tracked", text.strip(), claimant or "", prefix="c"),
        text=canonical_text(text),
        first_seen=when,
        claimant_name=claimant,
        claimant_actor_id=actor.id if actor else None,
        tracked=True,
    )
    vec = get_embedder().encode([claim.text])[0].astype(np.float32)
    index = open_index(ledger, index_dir=config.store.index_dir)
    with ledger.session() as session:
        if session.get(ClaimRow, claim.id) is None:
            key = ledger.put_claim(
                session, claim, vector=vec.tobytes(), entities=sorted(linking_entities(claim.text))
            )
            index.add(np.asarray([key], dtype=np.int64), vec.reshape(1, -1))
    save_index(index)
    if actor is not None:
        ledger.upsert_actors([actor])
    recompute([claim.id], ledger=ledger, config=config)
    return claim
