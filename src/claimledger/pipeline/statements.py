"""Statement building: an article's attributions and its own sentences as statements,
its claims about claims, and the words a statement asserts (its proposition's text and
the body a claim opened from it is stated in)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from claimledger.config import Config
from claimledger.pipeline.actor_tables import actor_table
from claimledger.records import (
    CREATED_PREFIX,
    SPEAKER_PRONOUNS,
    Article,
    Attribution,
    Statement,
    hash_id,
    is_known_actor,
)

# Unattributed sentences shorter than this many words are not considered.
_MIN_WORDS = 6
_SENT = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")
# "TARSK, 4 March (VNA) — ", "MOSCOW (Reuters) - ": a dateline is not part of a claim, and
# its place says which country a story is from. Not "US-backed forces ..." (no dash and
# space after the place) nor "UK, French and German leaders ...".
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{2,40}?)\s*(?:,(?P<rest>[^()\n—–-]{1,30}))?\s*(?:\([^)]{1,40}\))?"
    r"\s*[—–-]+\s+"
)
_ATTR_HINT = re.compile(r"\b(said|says|told|according to|stated|claimed|announced|added)\b", re.I)


def proposition_text(text: str) -> str:
    """What a statement asserts, as embedded for linking: no dateline, no "X said" tail,
    no concessive tail ("despite ...")."""
    from claimledger.link.linker import canonical_text, main_clause

    return main_clause(canonical_text(DATELINE.sub("", text)))


def asserted_content(st: Statement, *, rules_off: Collection[str] = ()) -> str:
    """The content a statement's proposition is read from: ``proposition_text`` of its content,
    with the verb a denial cue took from it put back ("Russia denies planning | to enter
    Ukraine" -> "Russia plans to enter Ukraine", which the reader then negates).

    Rules (``extract/proposition.py`` ``CONTENT_RULES``): ``PR_CUE_CASE`` keeps the lower
    case of a content that began so after its cue ("Russia denies | plans to invade": as
    "Plans to invade" the parser reads a noun and no subject is given); ``PR_DENIED_NOUN``
    reads a denied intention as the verb it names ("denies | any intention to invade" ->
    "intends to invade"); ``PR_ACCUSED`` reads an accusation's "X of V-ing" as "X has been
    V-ing" ("accused | the UK of provoking Ukraine" -> "the UK has been provoking Ukraine").
    """
    from claimledger.extract.attribution import load_nlp
    from claimledger.extract.proposition import accused_clause, denied_noun, denied_verb

    text = proposition_text(st.content_text)
    if not st.attributed or not text:
        return text
    if "PR_CUE_CASE" not in rules_off and text[:1].isupper():
        at = st.content_text.lower().find(text[:30].lower())
        if at >= 0 and st.content_text[at].islower():
            text = text[0].lower() + text[1:]
    noun = None if "PR_DENIED_NOUN" in rules_off else denied_noun(st.cue_text, text)
    if noun is not None:
        return noun
    if "PR_ACCUSED" not in rules_off:
        accused = accused_clause(st.cue_text, text, nlp=load_nlp())
        if accused is not None:
            return accused
    verb = denied_verb(st.cue_text, text, nlp=load_nlp())
    if verb is None:
        return text
    speaker = speaker_name(st)
    return f"{speaker} {verb} {text}" if speaker else f"{verb} {text}"


def speaker_name(st: Statement) -> str | None:
    """How a statement's speaker is named, for a subject the content leaves out."""
    if not st.attributed:
        return None
    return st.speaker or st.source_text


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


def home_state(article: Article, actors: Any) -> str | None:
    """The country an article reports from: its dateline's ("TARSK, 4 March (CNA) —" when
    Tarsk stands for Varnia, "KASEL REGION, Varnia —"), else its outlet's state (state
    media); None if neither."""
    m = DATELINE.match(article.text.lstrip())
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
    if actor is None or not is_known_actor(actor.id):
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
    home = home_state(article, actors)
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
        if (
            a.speaker
            and home is not None
            and (actor_id is None or actor_id.startswith(CREATED_PREFIX))
        ):
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
        own = Statement(
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
        relayed = _relayed(sentence, actors)
        if relayed is not None:
            # The outlet tells a known actor's position in its own words: the actor's
            # statement ("Ostrela had denied ..."), with its name as source and its verb as cue.
            actor_id, (ns, ne), (cs, ce) = relayed
            own = replace(
                own,
                source=(s + ns, s + ne),
                source_text=sentence[ns:ne],
                cue=(s + cs, s + ce),
                cue_text=sentence[cs:ce],
                speaker=sentence[ns:ne],
                actor_id=actor_id,
                attributed=True,
            )
        out.append(own)
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
    # A judgement in the plural ("such claims", "these accusations") judges a kind of claim:
    # the one it refers back to and the like claims its side made before it.
    plural: bool = False


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
        plural = _plural_anaphor(text[nc.sentence[0] : nc.sentence[1]])
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
                judgements.append(
                    Judgement(target, st.id, nc.stance, nc.cue, nc.rule, plural=plural)
                )
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
        judgements.append(Judgement(target, outer.id, nc.stance, nc.cue, nc.rule, plural=plural))
    return added, judgements, embedded


def _plural_anaphor(sentence: str) -> bool:
    """Whether a judging sentence refers back to claims in the plural: "such claims",
    "these accusations", "those reports" (a determiner, at most one word, a plural noun
    of ``ANAPHOR_NOUNS``)."""
    from claimledger.extract.nested_patterns import ANAPHOR_NOUNS

    words = re.findall(r"[a-z]+", sentence.lower())
    plurals = {f"{noun}s" for noun in ANAPHOR_NOUNS}
    return any(
        w in ("these", "those", "such") and plurals & set(words[i + 1 : i + 3])
        for i, w in enumerate(words)
    )


# Claims about claims are looked for in this much of an article (one parse without NER).
_NESTED_MAX_CHARS = 100_000


def extract_statements(
    articles: Sequence[Article], *, config: Config, actors: Any | None = None
) -> list[list[Statement]]:
    """Attribution extraction and actor resolution for a batch of articles."""
    from claimledger.extract.attribution import extract_texts

    actors = actors if actors is not None else actor_table(config.extract.actors_file)
    texts = [a.text for a in articles]
    found = extract_texts(
        texts,
        batch_size=config.extract.batch_size,
        actors=actors,
        rules_off=config.claims.rules_off,
    )
    return [
        statements_of(art, attrs, actors=actors) for art, attrs in zip(articles, found, strict=True)
    ]


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


# Cues whose object is an act or a policy however it is worded (``CL_ANNOUNCED_ACT``): "Biden
# has announced | the provision of a new $1 billion package", "Xi declares | neutrality".
# (Whether the fragment then opens a claim is ``opening._opens_claim``'s to say.)
_ANNOUNCING_CUE = re.compile(
    r"(?:announc|declar|pledg|promis|vow|unveil|confirm)\w*", re.IGNORECASE
)


def announces(cue: str | None) -> bool:
    """Whether a cue's verb announces what follows it (``_ANNOUNCING_CUE``)."""
    return bool(_ANNOUNCING_CUE.fullmatch(_cue_verb(cue or "")))


def claim_body(
    text: str, st: Statement, *, fragment: bool = False, speaker: str | None = None
) -> str:
    """The words a claim opened from ``st`` is stated in.

    Usually the content. Two kinds of content are no proposition on their own: one
    with its cue inside ("Temperatures *are expected* to fall": the span as written),
    and the object of a cue that is not a verb of saying ("Varnian officials have
    described *the warnings as hysteria*": with its source and cue), or of any cue when
    the content is a ``fragment`` (a noun phrase, ``proposition.Proposition.nominal``):
    "the minister has promised *the largest support package yet*"; a pronoun source is
    then told by its ``speaker`` ("He has promised" -> "Rishi Sunak has promised"). A
    quotation keeps its words without the "he said" inside it.
    """
    c0, c1 = st.content
    if st.cue is None or not (0 <= c0 < c1 <= len(text)):
        return st.content_text
    q0, q1 = st.cue
    if not fragment and any(ch in text[c0:c1] for ch in '"“”'):
        return st.content_text
    inside = st.source is not None and c0 <= st.source[0] < c1
    if c0 < q0 and q1 < c1 and not inside:
        return text[c0:c1]
    body = st.content_text.lstrip()
    if (
        q1 <= c0
        and c0 - q1 <= 3
        and (fragment or not _CLAUSE_CUE.match(_cue_verb(st.cue_text or "")))
        and not body.lower().startswith(("that ", "whether ", "if "))
    ):
        start = q0
        if st.source is not None and st.source[1] <= q0 and q0 - st.source[1] <= 3:
            said_by = (st.source_text or "").strip()
            if fragment and speaker and said_by.lower() in SPEAKER_PRONOUNS:
                return f"{speaker} {text[q0:c1]}"
            start = st.source[0]
        return text[start:c1]
    return st.content_text
