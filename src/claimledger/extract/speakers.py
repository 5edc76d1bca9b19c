"""Speaker resolution: who a source span stands for, within one article.

A source is a name ("Jens Stoltenberg", "Russia's defense ministry"), a
pronoun ("he", "they") or a description ("the minister", "the alliance's
chief"). Names are clustered per article — titles dropped, a bare surname
joins the full name seen elsewhere ("Jens Stoltenberg" ... "Stoltenberg") —
and pronouns and descriptions take the nearest preceding compatible named
mention (people for "he"/"the minister", organisations and states for
"it"/"the ministry"). When nothing compatible is near, the speaker stays
``None``: never invented.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

logger = logging.getLogger(__name__)

NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
GROUP_LABELS = frozenset({"ORG", "GPE", "NORP"})

TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady president vice secretary general minister
    prime chancellor senator sen rep representative gov governor mayor judge justice
    ambassador spokesman spokeswoman spokesperson chief director chairman chairwoman chair
    ceo king queen prince pope gen lt col maj capt adm sgt foreign defense defence deputy
    former acting state attorney first lady candidate nominee leader secretary-general
    premier""".split()
)

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})
GROUP_PRONOUNS = frozenset({"it", "its", "they", "them", "their", "itself", "themselves"})

PERSON_NOUNS = frozenset(
    """minister president chief secretary spokesman spokeswoman spokesperson official
    leader senator governor mayor candidate nominee chancellor premier ambassador envoy
    diplomat general commander director chairman chairwoman chair head ceo founder
    lawmaker congressman congresswoman representative judge prosecutor attorney lawyer
    aide adviser advisor negotiator king queen prince monarch pope businessman
    billionaire mogul author writer analyst expert economist professor actor star
    manager strategist pollster man woman politician rival opponent incumbent
    frontrunner front-runner host anchor reporter columnist veteran activist colonel
    major captain lieutenant sergeant admiral marshal brigadier""".split()
)

GROUP_NOUNS = frozenset(
    """ministry alliance government administration campaign company agency committee
    party department organization organisation group council commission bank army
    military kremlin parliament congress senate house court union bloc coalition
    network newspaper paper outlet channel station board firm office embassy
    state country nation regime federation corporation team""".split()
)

# Group nouns that may stand for a country as well as an organisation.
PLACE_NOUNS = frozenset("state country nation government regime federation administration".split())

_SPACE = re.compile(r"\s+")


def _clean_name(span: Span) -> list[str]:
    """Tokens of a name without possessive endings; people also lose titles and "the"."""
    words = [t.text for t in span if not t.is_punct and t.text not in ("'s", "’s")]
    if span.label_ == "PERSON":
        while words and words[0].lower().rstrip(".") in TITLES:
            words = words[1:]
    if words and words[0].lower() == "the":
        words = words[1:]
    return words


def _owner(doc: Doc, ent: Span, starts: dict[int, Span]) -> str | None:
    """The named owner of a group mention: "Russia" in "Russia's defense ministry"."""
    k = ent.start - 1
    if k < 1 or doc[k].text not in ("'s", "’s", "'", "’"):
        return None
    for j in range(k - 1, max(-1, k - 6), -1):
        other = starts.get(j)
        if other is not None and other.end == k and other.label_ in GROUP_LABELS:
            return other.text
    return None


@dataclass(slots=True)
class _Cluster:
    label: str
    names: list[str] = field(default_factory=list)

    @property
    def canonical(self) -> str:
        # the longest form used in the article ("Jens Stoltenberg" over "Stoltenberg")
        return max(self.names, key=lambda n: (len(n.split()), len(n)))


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int  # token index
    end: int
    label: str
    cluster: int
    is_subject: bool


class SpeakerResolver:
    """Resolve source spans of one parsed article to speaker names."""

    def __init__(self, doc: Doc, *, last_speaker: bool = True) -> None:
        """Collect and cluster the article's named mentions (``last_speaker``: the rule
        ``SP_LAST_SPEAKER``)."""
        self.doc = doc
        self.last_speaker = last_speaker
        self._clusters: list[_Cluster] = []
        self._mentions: list[_Mention] = []
        by_key: dict[tuple[str, str], int] = {}
        by_surname: dict[str, int] = {}
        ents = doc.ents if doc.has_annotation("ENT_IOB") else ()
        starts = {e.start: e for e in ents}
        for ent in ents:
            if ent.label_ not in NAMED_LABELS:
                continue
            words = _clean_name(ent)
            if not words:
                continue
            name = _SPACE.sub(" ", " ".join(words))
            label = ent.label_
            if label in GROUP_LABELS:
                owner = _owner(doc, ent, starts)
                if owner is not None:
                    name = f"{owner}'s {name}"
                elif len(words) == 1 and words[0].lower() in by_surname:
                    # a surname the model mislabelled ("Stoltenberg" as ORG) joins the person
                    label = "PERSON"
                elif words[-1].lower() in by_surname and any(
                    n.lower().endswith(" " + name.lower())
                    for n in self._clusters[by_surname[words[-1].lower()]].names
                ):
                    # so does a double surname ("Cranny-Evans" after "Sam Cranny-Evans")
                    label = "PERSON"
            if label == "PERSON" and ent.root.dep_ == "amod":
                # a name used as an adjective ("the Ostrelan public") is no person;
                # unknown demonyms are often tagged PERSON
                continue
            key = (label if label == "PERSON" else "GROUP", name.lower())
            idx = by_key.get(key)
            if idx is None and label == "PERSON":
                surname = words[-1].lower()
                idx = by_surname.get(surname)
                if idx is not None and len(words) > 1:
                    # a full name only joins a cluster whose names are compatible with it
                    known = self._clusters[idx].names
                    if not any(
                        n.lower() in name.lower() or name.lower() in n.lower() for n in known
                    ):
                        idx = None
            if idx is None:
                idx = len(self._clusters)
                self._clusters.append(_Cluster(label=label))
            self._clusters[idx].names.append(name)
            by_key[key] = idx
            if label == "PERSON":
                by_surname.setdefault(words[-1].lower(), idx)
            is_subject = ent.root.dep_ in ("nsubj", "nsubjpass") or (
                ent.root.dep_ == "poss" and ent.root.head.dep_ in ("nsubj", "nsubjpass")
            )
            self._mentions.append(_Mention(ent.start, ent.end, label, idx, is_subject))
        # Group speakers resolved so far, by source start: "it said" after "the ministry
        # said" is the ministry, whatever was named in between.
        self._group_speakers: list[tuple[int, str]] = []
        # Person speakers resolved so far, by source start: "he said" in a sentence that
        # names nobody is the person last quoted, not the last person named.
        self._person_speakers: list[tuple[int, str]] = []
        self._by_surname = by_surname

    def _nearest(self, before: int, labels: frozenset[str], *, max_sents: int = 6) -> str | None:
        """Nearest mention before token ``before`` with a label in ``labels``.

        A sentence subject wins over a closer non-subject in the same sentence.
        """
        if before <= 0 or before > len(self.doc):
            return None
        sent_start = self.doc[min(before, len(self.doc) - 1)].sent.start
        limit_tok = sent_start
        sents_back = 0
        while sents_back < max_sents and limit_tok > 0:
            limit_tok = self.doc[limit_tok - 1].sent.start
            sents_back += 1
        best: _Mention | None = None
        for m in self._mentions:
            if m.end > before or m.start < limit_tok or m.label not in labels:
                continue
            if best is None:
                best = m
                continue
            same_sent = self.doc[m.start].sent.start == self.doc[best.start].sent.start
            if same_sent and best.is_subject != m.is_subject:
                best = m if m.is_subject else best
            elif m.start > best.start:
                best = m
        return self._clusters[best.cluster].canonical if best is not None else None

    def _nearest_naming(self, before: int, noun: str, *, max_sents: int = 6) -> str | None:
        """Nearest group mention before ``before`` whose name has ``noun`` ("the ministry"
        -> "Varnian Defence Ministry"), within ``max_sents`` sentences."""
        if before <= 0 or before > len(self.doc):
            return None
        limit = self.doc[min(before, len(self.doc) - 1)].sent.start
        for _ in range(max_sents):
            if limit <= 0:
                break
            limit = self.doc[limit - 1].sent.start
        best: _Mention | None = None
        for m in self._mentions:
            if m.end > before or m.start < limit or m.label not in GROUP_LABELS:
                continue
            words = {t.lower_ for t in self.doc[m.start : m.end]} | {
                t.lemma_.lower() for t in self.doc[m.start : m.end]
            }
            if noun in words and (best is None or m.start > best.start):
                best = m
        return self._clusters[best.cluster].canonical if best is not None else None

    def _last_group_speaker(self, before: int, *, max_sents: int = 2) -> str | None:
        """The group speaker of the nearest earlier source within ``max_sents`` sentences."""
        earlier = [(start, name) for start, name in self._group_speakers if start < before]
        if not earlier:
            return None
        start, name = max(earlier)
        sents = {t.sent.start for t in self.doc[start:before]}
        return name if len(sents) <= max_sents + 1 else None

    def _last_person_speaker(self, source: Span) -> str | None:
        """``SP_LAST_SPEAKER``: for "he"/"she" in a sentence that names no person, the person
        quoted last, in this sentence or the one before ("Zelensky, who demanded that the US
        president, Joe Biden, stop ... . Wild talk was damaging his country, he said.")."""
        start = source.start
        sent = self.doc[start].sent
        if any(m.label == "PERSON" and sent.start <= m.start < start for m in self._mentions):
            return None
        earlier = [(at, name) for at, name in self._person_speakers if at < start]
        if not earlier:
            return None
        at, name = max(earlier)
        previous = self.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        return name if at >= previous else None

    def _relative_speaker(self, source: Span) -> str | None:
        """A relative pronoun source ("Zelensky, *who* demanded ...") is the mention its
        clause hangs from."""
        root = source.root
        if root.lower_ not in ("who", "which", "that") or root.head.dep_ != "relcl":
            return None
        head = root.head.head
        # "Ukraine's leader, Volodymyr Zelenskiy, who ...": the clause may hang from the
        # noun the name stands in apposition to.
        for tok in (head, *(c for c in head.children if c.dep_ == "appos")):
            for m in self._mentions:
                if m.start <= tok.i < m.end:
                    return self._clusters[m.cluster].canonical
        return None

    def resolve(self, source: Span) -> str | None:
        """Return the speaker name a source span refers to, or ``None``."""
        name = self._resolve(source)
        if name is None:
            name = self._surname_speaker(source)
        if name is None and len(source):
            name = self._relative_speaker(source)
        if name is not None and len(source) and self._names_person(source, name):
            self._person_speakers.append((source.start, name))
        if (
            name is not None
            and len(source)
            and (
                source.root.lower_ in GROUP_PRONOUNS
                or source.root.lemma_.lower() in GROUP_NOUNS
                or any(
                    m.label in GROUP_LABELS and m.start <= source.root.i < m.end
                    for m in self._mentions
                )
            )
        ):
            self._group_speakers.append((source.start, name))
        return name

    def _names_person(self, source: Span, name: str) -> bool:
        """Whether a resolved source stands for a person: a person's pronoun, or a person's
        mention (the source's head, or the relative pronoun's antecedent)."""
        root = source.root
        if root.lower_ in PERSON_PRONOUNS:
            return True
        if root.lower_ == "who":
            # Said of people: a person's name, or one the entity model labelled otherwise
            # that has a person's shape ("Volodymyr Zelenskiy", not "Twitter").
            return any(
                self._clusters[m.cluster].canonical == name
                and (m.label == "PERSON" or _name_shaped(self.doc[m.start : m.end]))
                for m in self._mentions
            )
        at = root.i
        return any(
            m.label == "PERSON"
            and m.start <= at < m.end
            and self._clusters[m.cluster].canonical == name
            for m in self._mentions
        )

    def _surname_speaker(self, source: Span) -> str | None:
        """A bare surname the entity model did not tag ("Cranny-Evans said", "Satter said")
        is the person of that surname named before; it then stands as a mention of them, so
        that a later "he said" finds them."""
        if not len(source) or source.root.pos_ != "PROPN" or len(source) > 3:
            return None
        if not all(t.pos_ in ("PROPN", "PUNCT") for t in source):
            return None
        idx = self._by_surname.get(source.root.lower_)
        if idx is None:
            return None
        self._mentions.append(_Mention(source.start, source.end, "PERSON", idx, True))
        return self._clusters[idx].canonical

    def _resolve(self, source: Span) -> str | None:
        if len(source) == 0:
            return None
        root = source.root
        # 1. the head of the source is (part of) a named mention
        for m in self._mentions:
            if m.start <= root.i < m.end:
                return self._clusters[m.cluster].canonical
        lower = root.lower_
        # 2. pronouns
        if root.pos_ == "PRON" or lower in PERSON_PRONOUNS or lower in GROUP_PRONOUNS:
            if lower in PERSON_PRONOUNS:
                if self.last_speaker:
                    quoted = self._last_person_speaker(source)
                    if quoted is not None:
                        return quoted
                return self._nearest(source.start, frozenset({"PERSON"}))
            if lower in ("it", "its", "itself"):
                # "..., the ministry said. ..., it said": the last group speaker, if near
                last = self._last_group_speaker(source.start)
                if last is not None:
                    return last
            if lower in GROUP_PRONOUNS:
                return self._nearest(
                    source.start,
                    GROUP_LABELS | {"PERSON"}
                    if lower in ("they", "them", "their")
                    else GROUP_LABELS,
                )
            return None
        lemma = root.lemma_.lower()
        named_inside = [
            m for m in self._mentions if source.start <= m.start and m.end <= source.end
        ]
        # 3. a description naming its owner: "Russia's defense ministry", "NATO's chief",
        # or by a capitalised modifier the model did not tag ("the Ostrelan government")
        named_modifier = any(
            t.i != root.i
            and t.head.i == root.i
            and t.dep_ in ("amod", "compound")
            and t.text[:1].isupper()
            for t in source
        )
        if named_inside or (named_modifier and lemma in GROUP_NOUNS):
            text = _SPACE.sub(" ", source.text.strip())
            if text.lower().startswith("the "):
                text = text[4:]
            return text
        # 4. a description that introduces someone new ("two weapons experts", "an
        # official") refers to no one mentioned before: no speaker is invented
        if lemma in PERSON_NOUNS and _introduces(root):
            return None
        # 5. a bare description: "the minister", "the alliance's chief"
        if lemma in PERSON_NOUNS:
            return self._nearest(source.start, frozenset({"PERSON"}))
        if lemma in GROUP_NOUNS:
            # "the ministry" is the nearest name with "ministry" in it; failing that, an
            # organisation noun wants an organisation, not the nearest town.
            named = self._nearest_naming(source.start, lemma)
            if named is not None:
                return named
            if lemma not in PLACE_NOUNS:
                return self._nearest(source.start, frozenset({"ORG"}))
            return self._nearest(source.start, GROUP_LABELS)
        return None


def _name_shaped(span: Span) -> bool:
    """Two or more capitalised words: the shape of a person's full name."""
    words = [t for t in span if t.is_alpha]
    return len(words) >= 2 and all(t.is_title for t in words)


def _introduces(root: Any) -> bool:
    """A plural, counted or indefinite noun phrase: someone not mentioned before."""
    if root.tag_ in ("NNS", "NNPS"):
        return True
    return any(
        c.dep_ == "nummod" or (c.dep_ == "det" and c.lower_ in ("a", "an", "another"))
        for c in root.children
    )


def resolve_speakers(doc: Doc, sources: list[Span | None]) -> list[str | None]:
    """Resolve several source spans of one article (``None`` stays ``None``)."""
    resolver = SpeakerResolver(doc)
    return [resolver.resolve(s) if s is not None else None for s in sources]
