"""The per-article stages: extraction, check-worthiness, embedding, propositions, the
not-a-claim rules and the headline's statement. Embarrassingly parallel: they run in Ray
workers in batch mode."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.extract.proposition import Proposition, with_antecedent
from claimledger.pipeline.actor_tables import actor_table
from claimledger.pipeline.statements import (
    Judgement,
    announces,
    asserted_content,
    claim_body,
    extract_statements,
    nested_statements,
    proposition_text,
    speaker_name,
)
from claimledger.records import SPEAKER_PRONOUNS, Actor, Article, Statement

DIM = 384
# An outlet's own sentence is embedded (may be evidence for a claim) from this
# check-worthiness up: the model's F1-optimal cut on ClaimBuster (models/checkworthy).
EVIDENCE_THRESHOLD = 0.3


def as_vector(raw: bytes) -> NDArray[np.float32]:
    """A stored vector (float32 bytes, ``DIM`` of them) as an array."""
    return np.frombuffer(raw, dtype=np.float32)


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


def _is_person(st: Statement, table: Any, rules_off: Sequence[str]) -> bool | None:
    """Whether a statement's speaker is a person: named by an office or a person's noun ("the
    French President", though the table maps it to France), or a person in the actor table
    (None: unknown, or ``PR_PRONOUN_AGREES`` is off)."""
    from claimledger.extract.speakers import PERSON_NOUNS

    if "PR_PRONOUN_AGREES" in rules_off or not st.actor_id:
        return None
    words = (speaker_name(st) or "").lower().split()
    if words and words[-1] in PERSON_NOUNS:
        return True
    actor = table.get(st.actor_id)
    return None if actor is None else actor.type == "person"


# How many statements back the person an outlet's "He" or "She" stands for may be quoted.
ANTECEDENT_WINDOW = 3
# A sentence's end: the quoted person must be in the sentence just before (``_SENTENCE_END``
# at most once between the quote and the pronoun: the quote's own sentence ends there).
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s")


def pronoun_antecedents(
    statements: Sequence[Statement], table: Any, text: str, rules_off: Sequence[str] = ()
) -> dict[str, str]:
    """Who an outlet's sentence opened by "He" or "She" speaks of (``PR_OUTLET_PRONOUN``):
    the person the article quoted in the sentence just before, among the
    ``ANTECEDENT_WINDOW`` statements before it ("Zelensky said ... | He also appealed to
    Germany for help"). A sentence between them may name someone else: no one is told.

    Returns statement id -> the name the article gives that person.
    """
    if "PR_OUTLET_PRONOUN" in rules_off:
        return {}
    ordered = sorted(statements, key=lambda st: (st.content[0], st.id))
    out: dict[str, str] = {}
    for i, st in enumerate(ordered):
        words = st.content_text.lstrip(" \"“‘'").split(" ", 1)
        if st.attributed or words[0] not in ("He", "She"):
            continue
        for prev in reversed(ordered[max(0, i - ANTECEDENT_WINDOW) : i]):
            if len(_SENTENCE_END.findall(text[prev.content[1] : st.content[0]])) > 1:
                break
            name = speaker_name(prev)
            if (
                name
                and name.split()[0].lower() not in SPEAKER_PRONOUNS
                and _is_person(prev, table, rules_off)
            ):
                out[st.id] = name
                break
    return out


def analyse_articles(
    articles: Sequence[Article], *, config: Config, actors: Any | None = None
) -> list[Analysed]:
    """The per-article stages: extraction, check-worthiness, embedding, entities, dates."""
    from claimledger.extract.attribution import load_nlp
    from claimledger.extract.checkworthy import is_no_comment, score_checkworthy
    from claimledger.extract.claimhood import assess, in_link_line, not_a_claim
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
            persons=[_is_person(st, table, config.claims.rules_off) for st in to_embed],
            rules_off=config.claims.rules_off,
        )
        if to_embed
        else []
    )
    named = {
        sid: name
        for art, sts in zip(articles, batches, strict=True)
        for sid, name in pronoun_antecedents(sts, table, art.text, config.claims.rules_off).items()
    }
    prop_of = {
        st.id: (with_antecedent(prop, named[st.id]) if st.id in named else prop, marks)
        for st, (prop, marks) in zip(to_embed, assessed, strict=True)
    }
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
        get_embedder().encode([proposition_text(headline_text(art.title or "")) for art in titled])
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
                    link_line=in_link_line(art.text, st.content[0]),
                    rules_off=config.claims.rules_off,
                )
                if rule == "NC_FRAGMENT" and told_with_frame(
                    art.text, st, rules_off=config.claims.rules_off
                ):
                    rule = None
                if rule is not None:
                    an.not_claim[st.id] = rule
                an.entities[st.id] = sorted(linking_entities(proposition_text(st.content_text)))
                when = is_future(st.content_text, art.published) if art.published else None
                if when is not None:
                    an.resolution[st.id] = when
        if art.id in title_of:
            an.headline = headline_statements(an, title_of[art.id])
            # A headline in capitals is the article's headline, not a teaser for another.
            for sid in an.headline:
                if an.not_claim.get(sid) == "NC_LINK_BOX":
                    del an.not_claim[sid]
        out.append(an)
    return out


def told_with_frame(text: str, st: Statement, *, rules_off: Sequence[str] = ()) -> bool:
    """Whether a fragment is a claim told with its source and cue (``claim_body``), which
    waives ``NC_FRAGMENT``: "accused the US *of trying to draw Russia into a war*", the object
    of a cue that is no verb of saying, is a proposition with the cue as its verb; so is what
    an actor announced, declared or pledged ("Biden has announced *a new $1 billion
    package*", ``CL_ANNOUNCED_ACT``). Without a source there is no one to tell it by: "To
    learn more about | the history of the conflict, subscribe ..." is a promotion line's
    fragment."""
    act = "CL_ANNOUNCED_ACT" not in rules_off and announces(st.cue_text)
    return bool(st.source_text) and claim_body(text, st, fragment=act) != st.content_text


def check_rules_off(config: Config) -> None:
    """Refuse a ``claims.rules_off`` id that names no rule (a typo would switch nothing off).

    Raises:
        ConfigError: E401 naming the unknown id.
    """
    from claimledger.extract.attribution import EXTRACTION_RULES
    from claimledger.extract.claimhood import RULE_IDS as CLAIM_RULES
    from claimledger.extract.nested_patterns import CUE_IDS
    from claimledger.extract.nested_patterns import RULE_IDS as NESTED_RULES
    from claimledger.extract.proposition import CONTENT_RULE_IDS
    from claimledger.ingest.revisions import RULE_IDS as REVISION_RULES
    from claimledger.link.relation import RULE_IDS as RELATION_RULES
    from claimledger.pipeline.opening import RULE_IDS as OPENING_RULES
    from claimledger.stance.doubt import RULE_IDS as DOUBT_RULES

    known = CLAIM_RULES | OPENING_RULES | RELATION_RULES | set(NESTED_RULES) | REVISION_RULES
    known = known | set(CUE_IDS) | set(DOUBT_RULES)  # judgement cues, the doubt gate
    known = known | CONTENT_RULE_IDS | set(EXTRACTION_RULES)
    unknown = sorted(set(config.claims.rules_off) - known)
    if unknown:
        raise ConfigError(Code.E401, "claims.rules_off", reason=f"unknown rule id {unknown[0]!r}")


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


def headline_text(title: str) -> str:
    return _HEADLINE_SPEAKER.sub("", title.strip()) or title.strip()


def headline_statements(an: Analysed, title_vec: NDArray[np.float32]) -> set[str]:
    """The attributed statement that the headline restates (at most one), by cosine."""
    best: tuple[float, str] | None = None
    for st in an.statements:
        raw = an.vectors.get(st.id)
        if raw is None or not st.attributed or (st.checkworthiness or 0.0) < HEADLINE_MIN_SCORE:
            continue
        cos = float(as_vector(raw) @ title_vec)
        if cos >= HEADLINE_SIMILARITY and (best is None or cos > best[0]):
            best = (cos, st.id)
    return {best[1]} if best else set()
