"""The actor table: who speaks for whom.

A built-in table (``claimledger/data/actors.yaml``) lists states with their
capitals, seats of government and demonyms, offices of states, international
organisations, wire agencies, state media and a few office holders. A user
``actors.yaml`` of the same format extends it or overrides entries by id.

``ActorTable.resolve`` maps a speaker string as it appears in news ("Russia's
defence ministry", "the Kremlin", "Russian Foreign Minister Sergei Lavrov",
"a senior Ukrainian official") to an actor; ``resolve_or_create`` never fails
and makes a new actor for an unknown speaker. ``side`` and ``affiliated``
answer the independence question of the verdict engine: two actors are on the
same side when their chains of affiliations meet. The rules are documented in
``docs/actors.md``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from claimledger.errors import Code, ConfigError
from claimledger.records import CREATED_PREFIX, Actor, ActorType, Affiliation, hash_id

logger = logging.getLogger(__name__)

#: Id of the one actor standing for speakers that name nobody ("he", "a spokesman").
UNKNOWN_ID = "unknown"

_TYPES: dict[str, ActorType] = {
    "person": "person",
    "organisation": "organisation",
    "state": "state",
    "media": "media",
}

# ----------------------------------------------------------------------------- normalisation

_SPELLING = {
    "defense": "defence",
    "organization": "organisation",
    "organizations": "organisations",
    "center": "centre",
    "labor": "labour",
    "advisor": "adviser",
    "advisors": "advisers",
}
_PUNCT = str.maketrans(
    {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-", "‐": "-", "‑": "-"}
)
_POSSESSIVE = re.compile(r"['’]s?$")


def normalise(text: str) -> str:
    """Return the lookup key of a name.

    Folds case and accents, drops possessives ("Russia's" -> "russia"), dots of
    abbreviations ("U.S." -> "us"), punctuation and hyphens, a leading "the",
    and maps American to British spelling ("defense" -> "defence").
    """
    text = unicodedata.normalize("NFKD", text.translate(_PUNCT))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"'s\b", "", text).replace(".", "")
    text = re.sub(r"[^\w&+]+", " ", text)
    words = [_SPELLING.get(w, w) for w in text.split()]
    while words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


# ----------------------------------------------------------------------------- vocabulary

# Offices of a state: slug -> (label, phrases). "<state> <phrase>" and
# "<phrase> of <state>" resolve to the actor "<state id>/<slug>", taken from the
# table when listed there, else derived and affiliated with the state.
OFFICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "defence-ministry": (
        "Defence Ministry",
        (
            "defence ministry",
            "ministry of defence",
            "defence department",
            "department of defence",
            "mod",
        ),
    ),
    "foreign-ministry": (
        "Foreign Ministry",
        (
            "foreign ministry",
            "ministry of foreign affairs",
            "foreign affairs ministry",
            "foreign office",
            "mfa",
            "foreign affairs department",
        ),
    ),
    "interior-ministry": (
        "Interior Ministry",
        (
            "interior ministry",
            "ministry of interior",
            "ministry of the interior",
            "ministry of internal affairs",
            "internal affairs ministry",
        ),
    ),
    "emergencies-ministry": (
        "Emergencies Ministry",
        (
            "emergencies ministry",
            "emergency ministry",
            "ministry of emergency situations",
            "emergency service",
            "emergency services",
            "state emergency service",
        ),
    ),
    "health-ministry": ("Health Ministry", ("health ministry", "ministry of health")),
    "finance-ministry": ("Finance Ministry", ("finance ministry", "ministry of finance")),
    "economy-ministry": (
        "Economy Ministry",
        (
            "economy ministry",
            "economic ministry",
            "ministry of economy",
            "ministry of economic development",
        ),
    ),
    "energy-ministry": ("Energy Ministry", ("energy ministry", "ministry of energy")),
    "justice-ministry": ("Justice Ministry", ("justice ministry", "ministry of justice")),
    "general-staff": ("General Staff", ("general staff",)),
    "armed-forces": (
        "Armed Forces",
        (
            "armed forces",
            "military",
            "army",
            "forces",
            "troops",
            "navy",
            "air force",
            "defence forces",
            "military command",
        ),
    ),
    "intelligence": (
        "Intelligence Services",
        (
            "intelligence",
            "intelligence service",
            "intelligence services",
            "intelligence agency",
            "intelligence agencies",
            "military intelligence",
            "security service",
            "security services",
            "spy agency",
            "spy agencies",
            "spy",
            "spies",
        ),
    ),
    "security-council": ("Security Council", ("security council", "national security council")),
    "parliament": ("Parliament", ("parliament", "legislature", "lawmakers", "legislators", "mps")),
    "presidency": (
        "Presidency",
        (
            "presidency",
            "presidential office",
            "president office",
            "office of the president",
            "presidential administration",
            "presidential palace",
        ),
    ),
    "embassy": ("Embassy", ("embassy", "embassies", "diplomatic mission")),
    "border-service": (
        "Border Guard Service",
        ("border guard service", "border guards", "border guard", "border service"),
    ),
    "central-bank": ("Central Bank", ("central bank",)),
    "state-media": (
        "State Media",
        (
            "state media",
            "state television",
            "state tv",
            "state news agency",
            "state run media",
            "state controlled media",
            "state owned media",
            "state broadcaster",
            "state run television",
            "state run tv",
            "state owned television",
        ),
    ),
}

# Words that make up a title or a group of people speaking for an actor
# ("Foreign Minister", "senior officials", "government spokesman").
TITLE_WORDS = frozenset(
    """president presidents vice prime minister ministers premier chancellor foreign defence
    interior home finance economy economic health energy justice trade emergencies emergency
    deputy acting first secretary secretaries general generals spokesman spokeswoman
    spokesperson spokespeople spokesmen press official officials source sources ambassador
    ambassadors envoy envoys special representative representatives permanent chief chiefs
    head director commander commanders gen lt lieutenant maj major col colonel adm admiral brig
    brigadier sgt sergeant capt captain senator senators sen rep congressman congresswoman
    lawmaker mp mayor governor leader leaders king queen prince crown emir pope ayatollah
    supreme adviser advisers aide aides diplomat diplomats diplomatic negotiator negotiators
    national security high commissioner coordinator communications top senior ranking level
    government authorities administration leadership cabinet delegation affairs elect soldier
    soldiers servicemen officer officers unnamed anonymous correspondent correspondents reporter
    reporters journalist journalists editor anchor columnist candidate nominee presidential
    mr mrs ms miss dr prof sir dame lord lady madam mme rev""".split()
)
_HONORIFICS = frozenset("mr mrs ms miss dr prof sir dame madam mme rev sen rep gov gen".split())
# Titles that tie a person to a media outlet only, never to a state.
_MEDIA_TITLES = frozenset(
    "correspondent correspondents reporter reporters journalist journalists editor anchor "
    "columnist".split()
)
# Words that may follow "of"/"in" inside a title: "secretary of state", "chief of staff".
_OF_TITLE_WORDS = frozenset("state defence foreign staff interior chief general".split())
_PREPOSITIONS = frozenset("of for at to in from with near on".split())
_AFFILIATING = frozenset("of for at from".split())
# Leading words skipped before a speaker phrase; the indefinite ones block the
# office-holder lookup ("a Russian spokesman" is not the Kremlin's spokesman).
_INDEFINITE = frozenset(
    "a an one two three four five several some many few other another unnamed anonymous".split()
)
_DETERMINERS = _INDEFINITE | frozenset("senior top high ranking level current".split())
_PRONOUNS = frozenset(
    """i me my we us our you your he him his she her it its they them their this that these
    those which who whom whose one someone somebody anyone anybody everyone nobody""".split()
)
# Capitalised at the start of a sentence, never a first name: "But Gazprom said".
_FUNCTION_WORDS = (
    _PRONOUNS
    | _PREPOSITIONS
    | frozenset(
        "and but or so then when while as if because after before since though also the".split()
    )
)
# A speaker made only of these words names nobody in particular.
_VAGUE = _DETERMINERS | TITLE_WORDS | _PRONOUNS
# Words of a source phrase that name nobody: pronouns, function words and indefinite
# determiners ("one of them", "all of those", "some").
NAMELESS_WORDS = _FUNCTION_WORDS | _INDEFINITE

# Canonical titles (keys and values are normalised strings).
TITLE_CANON: dict[str, str] = {
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokespeople": "spokesperson",
    "spokesmen": "spokesperson",
    "press secretary": "spokesperson",
    "premier": "prime minister",
    "foreign secretary": "foreign minister",
    "secretary of state": "foreign minister",
    "minister of foreign affairs": "foreign minister",
    "foreign affairs minister": "foreign minister",
    "top diplomat": "foreign minister",
    "defence secretary": "defence minister",
    "secretary of defence": "defence minister",
    "minister of defence": "defence minister",
    "home secretary": "interior minister",
    "minister of interior": "interior minister",
    "secretary general": "secretary general",
    "officials": "official",
    "sources": "source",
    "diplomats": "diplomat",
    "aides": "aide",
    "advisers": "adviser",
}

_NAME_PARTICLES = frozenset(
    "de da del della der den van von bin ibn al el la le du dos di abu ben".split()
)
_NAME_SUFFIXES = frozenset("jr sr ii iii iv".split())
_ORG_WORDS = frozenset(
    """ministry ministries department agency office council committee commission service
    services forces army navy government authorities administration news times post press
    journal daily tv television radio media network group union organisation association
    institute university party bank company corporation corp inc ltd llc plc foundation centre
    court police guard guards embassy mission parliament assembly federation republic kingdom
    state states international national watch alliance coalition front brigade battalion
    regiment command headquarters staff officials sources club fund trust airlines airways
    oil gas energy church council bureau directorate secretariat""".split()
)
_DOMAIN = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/:?#].*)?$", re.IGNORECASE)

# ----------------------------------------------------------------------------- side rules
# Rules for speakers the table does not list, by id (docs/actors.md, "Side rules"); each has a
# test named after it in tests/extract/test_actors.py.
SIDE_RULES: dict[str, str] = {
    "sponsored-group": "'<actor>-backed/-installed ... <group>' and 'pro-<actor> <armed or "
    "ruling group>' speak on that actor's side",
    "source-document": "a report, statement or assessment 'by <actor>' or '<actor>'s report' is "
    "that actor's word",
    "state-body": "a state (or its demonym) before a capitalised government body ('U.S. "
    "Treasury', 'Ukraine's eastern military command') is an office of that state",
    "outlet-descriptor": "a known outlet before 'agency', 'channel', 'newspaper' ... is the outlet",
    "coordination": "'A and B' is the side both stand on when they stand on one ('Russian and "
    "Belarusian troops' -> the Union State); otherwise nobody",
    "bloc-office": "offices of a bloc named by its adjective ('Western intelligence') belong "
    "to the bloc",
}

#: Role of a bloc's affiliation with a member state: the bloc speaks for the member (its word
#: is not independent of the member's), while the members stay independent of one another.
SPEAKS_FOR_MEMBER = "speaks for member"

# "Moscow-installed authorities", "Kremlin-backed separatists", "US government-backed ..."
_SPONSORED = re.compile(
    r"^(?:(?:a|an|the|some|several|other|two|three|local|senior|top)\s+)*"
    r"(?P<by>[\w.'’]+(?:\s[\w.'’]+)?)-(?:backed|installed|appointed|sponsored|controlled|"
    r"supported|funded|run|led)\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_PRO = re.compile(
    r"^(?:(?:a|an|the|some|several|other|local)\s+)*pro-(?P<by>[\w.'’]+)\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# Groups that a "pro-<actor>" label puts on the actor's side: armed or ruling groups only
# ("pro-Russian separatists"), not sympathisers ("pro-Russian bloggers").
_PRO_GROUPS = frozenset(
    """separatist separatists rebel rebels militant militants militia militias forces fighters
    authorities authority officials administration administrations leaders leader government
    troops""".split()
)
_DOCUMENT_NOUNS = (
    r"report|reports|findings|assessment|assessments|statement|statements|summary|readout|"
    r"document|documents|analysis|update|updates|communique|communiqué|memo|bulletin|briefing|"
    r"estimate|estimates|figures|data|intelligence update|note|release|press release"
)
# "a publicly disclosed report by British intelligence", "according to a statement from the FSB"
_DOC_BY = re.compile(
    rf"^(?:[\w.'’-]+\s+){{0,4}}?(?:{_DOCUMENT_NOUNS})\s+(?:by|from|of|issued by|released by|"
    rf"published by)\s+(?P<who>\S.*)$",
    re.IGNORECASE,
)
# "a U.S. spy report", "Kremlin summary of the call", "US intelligence findings in December"
_DOC_AFTER = re.compile(
    rf"^(?P<who>.+?)(?:['’]s?)?\s+(?:{_DOCUMENT_NOUNS})(?:\s+(?:of|on|in|from|about|released|"
    rf"published|issued|dated)\b.*)?$",
    re.IGNORECASE,
)
# Head nouns of government bodies: "<state> ... <head>" is an office of the state (state-body).
_GOVERNMENT_HEADS = frozenset(
    """ministry department agency administration office service services command bureau
    directorate inspectorate treasury guard police prosecutor prosecutors embassy consulate
    mission council court headquarters garrison fleet""".split()
)
# Words after a known outlet that only say what it is: "Reuters agency", "the TASS news agency".
# Title words that name a person, never part of a body's name.
_TITLE_ONLY = frozenset(
    """president minister ministers premier chancellor spokesman spokeswoman spokesperson
    official officials ambassador envoy commander general secretary chief head leader
    governor mayor adviser aide""".split()
)
_OUTLET_DESCRIPTORS = frozenset(
    """agency news newspaper daily paper portal website site channel tv television broadcaster
    radio outlet wire service magazine""".split()
)


def canonical_title(title: str) -> str:
    """Return the canonical form of a title ("Defense Secretary" -> "defence minister")."""
    key = normalise(title)
    return TITLE_CANON.get(key, key)


def looks_like_person(name: str, *, allow_single: bool = False) -> bool:
    """Tell whether ``name`` looks like a personal name ("Dmytro Kuleba").

    Two to five capitalised words (particles such as "von" or "al" allowed), none
    an acronym or an organisation word. A single word counts only with
    ``allow_single`` (when a title announced a person).
    """
    words = [w.strip(".,;:'\"()[]") for w in name.split()]
    words = [w for w in words if w]
    core = [w for w in words if w.casefold() not in _NAME_PARTICLES | _NAME_SUFFIXES]
    if not core or len(core) > 5 or (len(words) < 2 and not allow_single):
        return False
    for word in core:
        letters = word.replace("-", "").replace("'", "").replace("’", "").replace(".", "")
        if not letters.isalpha() or not word[0].isupper():
            return False
        if len(letters) > 1 and letters.isupper():
            return False  # an acronym
        if normalise(word) in _ORG_WORDS:
            return False
    return True


def _active(aff: Affiliation, on: date | None) -> bool:
    if on is None:
        return True
    return (aff.start is None or aff.start <= on) and (aff.end is None or on <= aff.end)


def _created_id(name: str) -> str:
    return hash_id(normalise(name), prefix=CREATED_PREFIX, length=12)


def _clean(name: str) -> str:
    return " ".join(name.replace("\n", " ").split()).strip(" ,;:\"'“”‘’()")


def _trim(name: str) -> str:
    """Drop parentheticals ("(R-Tex.)") and relative clauses ("..., who runs a firm")."""
    text = re.sub(r"\s*\([^)]*\)?", " ", name)
    text = re.split(r"\s+(?:who|which|whose|whom|that)\s+", text, maxsplit=1)[0]
    return _clean(text)


def _is_acronym(alias: str) -> bool:
    letters = alias.replace(".", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 6


def _personal_name(text: str) -> str | None:
    """The personal name ending ``text``: "Clinton spokesman Nick Merrill" -> "Nick Merrill".

    The run of capitalised words at the end that are no title or organisation
    word; a single word only right after a title or honorific ("Mr. Obama").
    """
    words = text.split()
    if len(words) >= 2 and normalise(words[-2]) in _HONORIFICS:
        last = _POSSESSIVE.sub("", words[-1])
        return last if looks_like_person(last, allow_single=True) else None  # "Mr. King"
    k = len(words)
    while k > 0:
        word = words[k - 1]
        key = normalise(word)
        if key in _NAME_PARTICLES and k < len(words):
            k -= 1
            continue
        if not word[:1].isupper() or key in TITLE_WORDS or key in _ORG_WORDS:
            break
        if _POSSESSIVE.search(word) and k < len(words):
            break  # "Clinton's campaign manager Robby Mook": the possessive is a descriptor
        k -= 1
    run = " ".join(words[k:])
    if k < len(words) - 1 and looks_like_person(run):
        return run
    if k == len(words) - 1 and k > 0 and normalise(words[k - 1]) in TITLE_WORDS:
        if looks_like_person(run, allow_single=True):
            return run
    return None


@dataclass(frozen=True, slots=True)
class _Token:
    orig: str
    norm: str
    possessive: bool


@dataclass(frozen=True, slots=True)
class _Parse:
    """A speaker phrase split into [determiner] [ref] [title] [of ref] [name]."""

    ref: str | None
    ref_possessive: bool
    title: str | None
    definite: bool
    name: tuple[_Token, ...]


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    for orig in text.split():
        norm = normalise(orig)
        if norm:
            out.append(_Token(orig, norm, bool(_POSSESSIVE.search(orig))))
    return out


def _document_sources(text: str) -> list[str]:
    """Who may have issued a document named as the speaker, most likely first (source-document).

    "a report by British intelligence" -> "British intelligence"; "a U.S. spy report" ->
    "a U.S. spy"; "Kremlin summary of the call" -> "the call", then "Kremlin".
    """
    found: list[str] = []
    for pattern in (_DOC_BY, _DOC_AFTER):
        m = pattern.match(text)
        if m is not None:
            who = _clean(m.group("who"))
            if normalise(who) and who != text:
                found.append(who)
    return found


def _conjuncts(text: str) -> list[str] | None:
    """The parts of "A and B" (or "A & B"), or None when ``text`` is no coordination."""
    parts = [_clean(p) for p in re.split(r"\s+(?:and|&)\s+", text)]
    if len(parts) < 2 or not all(parts):
        return None
    return parts


def _slug(text: str) -> str:
    return "-".join(normalise(text).split())


# ----------------------------------------------------------------------------- the table


@dataclass(frozen=True, slots=True)
class _Entry:
    actor: Actor
    demonyms: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


class ActorTable:
    """Actors with their names, demonyms, outlet domains and affiliations.

    Build it with :meth:`load` (or :func:`default_actor_table`). Actors created
    for unknown speakers or derived from the table (offices of listed states)
    are added as they are met; :meth:`created` lists them for storage.
    """

    def __init__(self, entries: Mapping[str, _Entry] | None = None) -> None:
        self._actors: dict[str, Actor] = {}
        self._alias: dict[str, str] = {}
        self._demonym: dict[str, str] = {}
        self._adjective: dict[str, str] = {}  # state id -> first demonym, for derived names
        self._domain: dict[str, str] = {}
        self._created: dict[str, None] = {}  # ids added at run time, in order
        self._created_alias: dict[str, str] = {}  # their names; only for exact lookups
        self._acronym_only: set[str] = set()  # keys matched only by an all-caps alias
        self._spelled: set[str] = set()
        self._office_phrases = {p: slug for slug, (_, ps) in OFFICES.items() for p in ps}
        for entry in (entries or {}).values():
            self._index(entry)

    # -- loading ----------------------------------------------------------------------------

    @classmethod
    def load(cls, user_file: Path | None = None) -> ActorTable:
        """Load the built-in table, extended or overridden by ``user_file``.

        Args:
            user_file: A user ``actors.yaml``; entries with an id already in the
                built-in table replace that entry, new ids are added.

        Raises:
            ConfigError: E401 when the user file cannot be read or is malformed.
        """
        entries = dict(_builtin_entries())
        if user_file is not None:
            label = str(user_file)
            try:
                text = Path(user_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(
                    Code.E401, label, reason=f"cannot read actors file: {exc}"
                ) from exc
            user = _parse_table(text, label)
            overridden = sorted(set(user) & set(entries))
            if overridden:
                logger.info("%s overrides %d built-in actors", label, len(overridden))
            entries.update(user)
            _check_parents(entries, label, set(user))
        else:
            _check_parents(entries, "built-in actors.yaml", set(entries))
        return cls(entries)

    def _index(self, entry: _Entry) -> None:
        actor = entry.actor
        self._actors[actor.id] = actor
        for alias in (actor.name, *actor.aliases):
            key = normalise(alias)
            if key:
                self._alias[key] = actor.id
                if _is_acronym(alias) and key not in self._spelled:
                    self._acronym_only.add(key)  # "WHO" but not "who", "US" but not "us"
                elif not _is_acronym(alias):
                    self._spelled.add(key)
                    self._acronym_only.discard(key)
        if entry.demonyms:
            self._adjective[actor.id] = entry.demonyms[0]
        for demonym in entry.demonyms:
            key = normalise(demonym)
            self._demonym[key] = actor.id
            if not key.endswith(("s", "sh", "ch", "ese")):
                self._demonym[key + "s"] = actor.id  # "Russians", "Israelis"
        for domain in entry.domains:
            self._domain[domain.casefold().removeprefix("www.")] = actor.id

    # -- access -----------------------------------------------------------------------------

    def get(self, actor_id: str) -> Actor | None:
        """Return the actor with ``actor_id``, or None."""
        return self._actors.get(actor_id)

    def actors(self) -> Iterator[Actor]:
        """Iterate over all actors, built-in, user and created."""
        return iter(list(self._actors.values()))

    def created(self) -> Iterator[Actor]:
        """Iterate over actors added at run time (unknown speakers, derived offices)."""
        return iter([self._actors[i] for i in self._created])

    def add(self, actor: Actor) -> None:
        """Add or replace a run-time ``actor`` (created, or read back from a store).

        Its names serve exact lookups only; they never shadow the table's names.
        """
        if actor.id not in self._actors:
            self._created[actor.id] = None
        self._actors[actor.id] = actor
        for alias in (actor.name, *actor.aliases):
            key = normalise(alias)
            if key:
                self._created_alias.setdefault(key, actor.id)

    def __len__(self) -> int:
        return len(self._actors)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._actors

    # -- sides ------------------------------------------------------------------------------

    def side(self, actor_id: str, *, on: date | None = None) -> frozenset[str]:
        """Return ``actor_id`` with all its ancestors through affiliations active on ``on``.

        ``on=None`` follows every affiliation whatever its dates. An id missing
        from the table is its own side; a hierarchical id "<parent>/<office>"
        still reaches its parent.
        """
        seen: set[str] = set()
        stack = [actor_id]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            actor = self._actors.get(current)
            if actor is None:
                if "/" in current:
                    stack.append(current.rsplit("/", 1)[0])
                continue
            stack.extend(a.parent for a in actor.affiliations if _active(a, on))
        return frozenset(seen)

    def affiliated(self, a: str, b: str, *, on: date | None = None) -> bool:
        """Tell whether ``a`` and ``b`` are on the same side (their sides intersect)."""
        return bool(self.side(a, on=on) & self.side(b, on=on))

    # -- outlets ----------------------------------------------------------------------------

    def outlet_actor(self, outlet_name: str) -> Actor | None:
        """Return the media actor of an outlet name or URL/domain ("RT", "tass.com"), or None."""
        text = outlet_name.strip()
        if not text:
            return None
        if " " not in text and _DOMAIN.match(text):
            host = (urlsplit(text if "//" in text else "//" + text).hostname or "").casefold()
            labels = host.removeprefix("www.").split(".")
            for i in range(len(labels) - 1):
                hit = self._domain.get(".".join(labels[i:]))
                if hit is not None:
                    return self._actors[hit]
        actor_id = self._alias.get(normalise(text))
        if actor_id is not None and self._actors[actor_id].type == "media":
            return self._actors[actor_id]
        return None

    def home_state(self, actor_id: str) -> str | None:
        """The state an actor belongs to (itself when a state), or None when it has none.

        The nearest state up its affiliations; a bloc's ties to its members do not
        count (NATO has no home state), nor does a tie that reaches two states at the
        same distance.
        """
        level, seen = [actor_id], {actor_id}
        while level:
            states = set()
            for aid in level:
                actor = self._actors.get(aid)
                if actor is not None and actor.type == "state":
                    states.add(aid)
            if states:
                return states.pop() if len(states) == 1 else None
            nxt: list[str] = []
            for aid in level:
                actor = self._actors.get(aid)
                if actor is None:
                    parents = [aid.rsplit("/", 1)[0]] if "/" in aid else []
                else:
                    parents = [a.parent for a in actor.affiliations if a.role != SPEAKS_FOR_MEMBER]
                for parent in parents:
                    if parent not in seen:
                        seen.add(parent)
                        nxt.append(parent)
            level = nxt
        return None

    def place_state(self, place: str) -> str | None:
        """The state a place name stands for ("TARSK" when Tarsk is an alias of Varnia)."""
        hit = self._state_of(normalise(place))
        actor = self._actors.get(hit) if hit else None
        return hit if actor is not None and actor.type == "state" else None

    def office_of(self, name: str, state: str) -> str | None:
        """Resolve a bare office ("the Defence Ministry") to that office of ``state``.

        News writes "the Defence Ministry" for the ministry of the country it is
        reporting from; the caller says which country that is (the outlet's, or the
        dateline's). Returns None when ``name`` is not a bare office phrase.
        """
        words = normalise(_trim(name)).split()
        while words and words[0] in ("the", "its", "their"):
            words = words[1:]
        slug = self._office_phrases.get(" ".join(words))
        return self._office(state, slug) if slug is not None else None

    # -- resolution -------------------------------------------------------------------------

    def lookup(self, name: str) -> Actor | None:
        """An actor by exact name, alias, demonym or office of a state; never creates one.

        For scanning text that is not a speaker (a headline): "Says" or "Warns" after a
        title must not become people, as ``resolve`` would make them.
        """
        text = _trim(name)
        key = normalise(text)
        hit = self._lookup(key, text) if key else None
        return self._actors[hit] if hit is not None else None

    def resolve(self, name: str, *, on: date | None = None) -> Actor | None:
        """Resolve a speaker string to an actor of the table, or None.

        Tries, in order: an exact name, alias or demonym ("the Kremlin",
        "Russians"); an office of a state ("Russia's defence ministry"); a
        phrase ``[determiner] [actor] [title] [of actor] [name]`` ("Russian
        Foreign Minister Sergei Lavrov", "a senior Ukrainian official",
        "spokesman for the Russian Defence Ministry"); an appositive ("Dmytro
        Kuleba, Ukraine's foreign minister"). A titled personal name not in the
        table becomes a derived person affiliated with the actor its title
        names, and is added. A definite title without a name ("the Russian
        foreign minister") resolves to the single person holding that office on
        ``on``, else to the actor. Bare unknown names give None.
        """
        text = _trim(name)
        key = normalise(text)
        if not key:
            return None
        hit = self._lookup(key, text) or self._created_alias.get(key)
        if hit is not None:
            return self._actors[hit]
        sponsored = self._sponsored(text)
        if sponsored is not None:
            return sponsored
        for inner in _document_sources(text):
            found = self.resolve(inner, on=on)
            if found is not None:
                return found
        parts = [p for p in (_clean(p) for p in text.split(",")) if p]
        if len(parts) > 1:
            return self._resolve_appositive(parts, on=on)
        conjuncts = _conjuncts(text)
        if conjuncts is not None:
            return self._resolve_coordination(conjuncts, on=on)
        tokens = _tokens(text)
        return self._state_body(tokens) or self._from_parse(self._parse(tokens), on=on)

    def resolve_or_create(
        self, name: str, *, context: str | None = None, on: date | None = None
    ) -> Actor:
        """Resolve ``name`` or make (and add) a new actor for it; never raises.

        A new actor gets a stable id from its normalised name (``auto:<hash>``)
        and type person when it looks like a personal name, else organisation.
        When a title in ``context`` reveals an affiliation ("Latvian Foreign
        Minister Edgars Rinkevics said" / "Rinkevics, Latvia's foreign
        minister,") it is added to a created actor.
        """
        actor = self.resolve(name, on=on)
        if actor is not None and actor.id not in self._created:
            return actor
        text = _trim(name)
        words = normalise(text).split()
        if not words or (all(w in _VAGUE for w in words) and _personal_name(text) is None):
            return self._register_created(
                Actor(id=UNKNOWN_ID, name="unknown speaker", type="organisation")
            )
        if actor is None:
            actor = self._new_actor(text, context)
        if context and actor.type == "person" and not actor.affiliations:
            role = self._context_role(actor.name, context)
            if role is not None and role[0] is not None:
                aff = Affiliation(parent=role[0], role=role[1])
                actor = replace(actor, affiliations=(aff,))
        return self._register_created(actor)

    def _new_actor(self, text: str, context: str | None) -> Actor:
        """A new actor for an unresolved speaker: a person when a personal name is found."""
        parts = [p for p in (_clean(p) for p in text.split(",")) if p] or [text]
        head = parts[0]
        person = _personal_name(head)
        if person is None and " " not in head and context and self._named_in(head, context):
            person = head
        if person is None:
            return Actor(id=_created_id(head), name=head, type="organisation")
        person = _POSSESSIVE.sub("", person)
        roles = [self._role_phrase(p) for p in parts[1:]]
        role = next((r for r in roles if r is not None and r[0] is not None), None)
        affs = (Affiliation(parent=role[0], role=role[1]),) if role and role[0] else ()
        return Actor(id=_created_id(person), name=person, type="person", affiliations=affs)

    def _named_in(self, word: str, context: str) -> bool:
        """Tell whether ``context`` shows a single ``word`` as a surname ("Pat Caddell", "Mr Mook")."""
        for m in re.finditer(rf"(\S+)\s+{re.escape(word)}\b", context):
            before = m.group(1)
            key = normalise(before)
            if key in TITLE_WORDS and key not in _DETERMINERS:
                return True
            if (
                key not in _FUNCTION_WORDS
                and before[:1].isupper()
                and before[1:].islower()
                and before.isalpha()
                and key not in _ORG_WORDS
                and self._lookup(key, before) is None
            ):
                return True
        return False

    # -- internals --------------------------------------------------------------------------

    def _lookup(self, key: str, raw: str) -> str | None:
        """Exact alias, demonym, or office of a state for a normalised phrase.

        ``raw`` is the phrase as written: an alias known only as an acronym
        ("WHO", "US") does not match a lowercase word ("who", "us").
        """
        if key in self._acronym_only and raw.islower():
            return None
        hit = self._alias.get(key) or self._demonym.get(key)
        if hit is not None:
            return hit
        words = key.split()
        for cut in range(1, len(words)):
            left, right = " ".join(words[:cut]), " ".join(words[cut:])
            state = self._state_of(left)
            slug = self._office_phrases.get(right)
            if slug is None and right.startswith("of "):
                # "<office> of <state>": the cut lands before "of"
                slug, state = self._office_phrases.get(left), self._state_of(right[3:])
            if state is not None and slug is not None:
                return self._office(state, slug)
        return None

    def _state_of(self, key: str) -> str | None:
        hit = self._alias.get(key) or self._demonym.get(key)
        return hit

    def _office(self, parent: str, slug: str) -> str | None:
        """Return the id of office ``slug`` of ``parent``, deriving it when not listed."""
        owner = self._actors.get(parent)
        # a state's office, or a bloc's named by its adjective ("Western intelligence")
        if owner is None or (owner.type != "state" and parent not in self._adjective):
            return None
        office_id = f"{parent}/{slug}"
        if office_id not in self._actors:
            label = OFFICES[slug][0]
            kind: ActorType = "media" if slug == "state-media" else "organisation"
            self._register_created(
                Actor(
                    id=office_id,
                    name=f"{self._adjective.get(parent, owner.name)} {label}",
                    type=kind,
                    affiliations=(Affiliation(parent=parent, role=slug.replace("-", " ")),),
                )
            )
        return office_id

    def _match_ref(self, tokens: list[_Token], start: int) -> tuple[str | None, int]:
        """Longest run of tokens from ``start`` naming an actor (not a plain person name)."""
        for end in range(min(len(tokens), start + 7), start, -1):
            key = " ".join(t.norm for t in tokens[start:end])
            hit = self._lookup(key, " ".join(t.orig for t in tokens[start:end]))
            if hit is not None:
                return hit, end
        return None, start

    def _parse(self, tokens: list[_Token]) -> _Parse:
        i, n, definite = 0, len(tokens), True
        while i < n and tokens[i].norm in _DETERMINERS:
            definite = definite and tokens[i].norm not in _INDEFINITE
            i += 1
        ref, i = self._match_ref(tokens, i)
        possessive = ref is not None and tokens[i - 1].possessive
        title: list[str] = []
        while i < n:
            words = tokens[i].norm.split()
            if all(w in TITLE_WORDS for w in words):
                title.extend(words)
                i += 1
                continue
            if tokens[i].norm in _PREPOSITIONS and title and i + 1 < n:
                other, j = self._match_ref(tokens, i + 1)
                if other is not None:
                    # "spokesman for the Kremlin" names the side; "ambassador to the
                    # US" or "officials in Moscow" only a place, skipped.
                    if ref is None and tokens[i].norm in _AFFILIATING:
                        ref = other
                    i = j
                    continue
                if tokens[i + 1].norm in _OF_TITLE_WORDS:
                    title.extend((tokens[i].norm, tokens[i + 1].norm))
                    i += 2
                    continue
            break
        joined = " ".join(title)
        if joined not in TITLE_CANON:  # keep "top diplomat", drop "senior" in "senior official"
            while title and title[0] in _DETERMINERS:
                title.pop(0)
            joined = " ".join(title)
        return _Parse(
            ref=ref,
            ref_possessive=possessive,
            title=TITLE_CANON.get(joined, joined) or None,
            definite=definite,
            name=tuple(tokens[i:]),
        )

    def _name_part(self, name: tuple[_Token, ...]) -> tuple[Actor | None, str | None]:
        """Resolve a leftover name: (known actor, None) or (None, personal name) or (None, None)."""
        key = " ".join(t.norm for t in name)
        hit = self._lookup(key, " ".join(t.orig for t in name))
        if hit is not None:
            return self._actors[hit], None
        for start in range(1, len(name)):  # "news agency Interfax", not "officials in Moscow"
            if name[start - 1].norm in _PREPOSITIONS:
                continue
            hit = self._alias.get(" ".join(t.norm for t in name[start:]))
            if hit is not None and self._actors[hit].type != "person":
                # never a surname: "Ivanka Trump" is not Donald Trump
                return self._actors[hit], None
        text = " ".join(t.orig for t in name).strip(" ,;:'\"")
        if name and name[0].orig[:1].isupper() and looks_like_person(text, allow_single=True):
            return None, re.sub(r"['’]s$", "", text)
        return None, None

    def _from_parse(self, parse: _Parse, *, on: date | None) -> Actor | None:
        title = parse.title
        ref = parse.ref
        if ref is not None and title is not None and set(title.split()) & _MEDIA_TITLES:
            if self._actors[ref].type != "media":
                return None  # "a Russian journalist" does not speak for Russia
        if ref is not None and title is None and parse.name:
            if self._actors[ref].type == "media" and all(
                t.norm in _OUTLET_DESCRIPTORS for t in parse.name
            ):
                return self._actors[ref]  # outlet-descriptor: "Reuters agency"
        name = parse.name
        for k in range(1, len(name) - 1):
            # a trailing circumstance is not part of the name: "... Maria Zakharova in a
            # statement", "... Peskov on Telegram"
            if name[k].norm in _PREPOSITIONS and not name[k + 1].orig[:1].isupper():
                parse = replace(parse, name=name[:k])
                break
        if parse.name:
            known, person = self._name_part(parse.name)
            if known is not None:
                return known
            if person is None:
                if parse.name[0].orig[:1].isupper() or title is None:
                    return None
                # a lowercase tail is a qualifier: "officials familiar with the matter"
            elif title is not None or parse.ref_possessive:
                affs = (Affiliation(parent=ref, role=title or "member"),) if ref else ()
                return self._register_created(
                    Actor(id=_created_id(person), name=person, type="person", affiliations=affs)
                )
            else:
                return None
        if ref is None:
            return None
        if title is not None and parse.definite and on is not None:
            holder = self._holder(ref, title, on)
            if holder is not None:
                return holder
        return self._actors[ref]

    def _state_body(self, tokens: list[_Token]) -> Actor | None:
        """A government body named after its state (state-body): "U.S. Treasury", "Ukraine's
        eastern military command", "the Russian Embassy in Washington".

        A state, its demonym or its capital, then words up to a preposition or the end,
        the last a government head noun; an office phrase gives that office.
        """
        i = 0
        while i < len(tokens) and tokens[i].norm in _DETERMINERS:
            i += 1
        state: str | None = None
        for end in range(min(len(tokens), i + 3), i, -1):
            key = " ".join(t.norm for t in tokens[i:end])
            hit = self._state_of(key)
            if hit is not None and self._actors[hit].type == "state":
                state, i = hit, end
                break
        if state is None:
            return None
        words: list[_Token] = []
        for token in tokens[i:]:
            if token.norm in _PREPOSITIONS:
                break
            words.append(token)
        if not words or words[-1].norm not in _GOVERNMENT_HEADS:
            return None
        if any(t.norm in _TITLE_ONLY for t in words):
            return None  # "Russian Defence Minister's office" is the minister's
        for end in range(len(words), 0, -1):
            if " ".join(t.norm for t in words[:end]) in self._alias:
                return None  # a listed name: "Russia's Interfax news agency" is Interfax
        body = " ".join(t.norm for t in words)
        slug = self._office_phrases.get(body)
        if slug is not None:
            office = self._office(state, slug)
            return self._actors[office] if office is not None else None
        label = " ".join(t.orig for t in words).strip(" ,;:'\"")
        owner = self._actors[state]
        actor = Actor(
            id=f"{state}/{_slug(body)}",
            name=f"{self._adjective.get(state, owner.name)} {label}",
            type="organisation",
            affiliations=(Affiliation(parent=state, role="government body"),),
        )
        return self._register_created(actor)

    def _sponsored(self, text: str) -> Actor | None:
        """A group a known actor backs, installs or runs, on that actor's side (sponsored-group).

        "Moscow-installed authorities", "the Kremlin-backed administration in Kherson",
        "pro-Russian separatists"; "pro-<actor>" only for armed or ruling groups.
        """
        m = _SPONSORED.match(text)
        pro = m is None
        if m is None:
            m = _PRO.match(text)
        if m is None:
            return None
        rest = m.group("rest")
        if pro:
            head = [w for w in re.split(r"\s+(?:in|of|from|at|near)\s+", rest)[0].split() if w]
            if not head or normalise(head[-1]) not in _PRO_GROUPS:
                return None
        by = m.group("by")
        sponsor = None
        for candidate in (by, *reversed(by.split())):
            sponsor = self._lookup(normalise(candidate), candidate)
            if sponsor is not None:
                break
        if sponsor is None:
            return None
        name = _clean(text[m.start("by") :])
        verb = "aligned with" if pro else re.sub(r".*-", "", name.split()[len(by.split()) - 1])
        role = verb if pro else f"{verb.casefold()} by"
        actor = Actor(
            id=_created_id(name),
            name=name,
            type="organisation",
            affiliations=(Affiliation(parent=sponsor, role=role),),
        )
        return self._register_created(actor)

    def _ancestry(self, actor_id: str, on: date | None) -> dict[str, int]:
        """Distances from ``actor_id`` up its active affiliations, blocs' ties to members aside."""
        found = {actor_id: 0}
        level = [actor_id]
        while level:
            nxt: list[str] = []
            for aid in level:
                actor = self._actors.get(aid)
                if actor is None:
                    parents = [aid.rsplit("/", 1)[0]] if "/" in aid else []
                else:
                    parents = [
                        a.parent
                        for a in actor.affiliations
                        if _active(a, on) and a.role != SPEAKS_FOR_MEMBER
                    ]
                for parent in parents:
                    if parent not in found:
                        found[parent] = found[aid] + 1
                        nxt.append(parent)
            level = nxt
        return found

    def _resolve_coordination(self, parts: list[str], *, on: date | None) -> Actor | None:
        """ "A and B": the nearest actor both stand with, or None (coordination).

        A bare adjective shares the noun of the last part: "Russian and Belarusian
        troops" is "Russian troops" and "Belarusian troops", whose common side is
        the Union State. Parties on different sides ("Kyiv and its Western allies")
        name nobody; a bloc's ties to its members do not join them ("Stoltenberg and
        Biden" is not the United States).
        """
        last = parts[-1].split()
        if len(last) > 1 and normalise(last[0]) in self._demonym:
            parts = [
                f"{p} {' '.join(last[1:])}" if normalise(p) in self._demonym else p
                for p in parts[:-1]
            ] + [parts[-1]]
        actors = [self.resolve(p, on=on) for p in parts]
        # "the US and its allies": a part that names nobody but the others' own partners
        # adds no side of its own
        kept = [
            (p, a)
            for p, a in zip(parts, actors, strict=True)
            if a is not None or normalise(p).split()[0] not in ("its", "their", "his", "her")
        ]
        if any(a is None for _, a in kept) or not kept:
            # not two speakers: "the US official and other sources" is read as one phrase
            return self._from_parse(self._parse(_tokens(" and ".join(parts))), on=on)
        ids = list(dict.fromkeys(a.id for _, a in kept if a is not None))
        if len(ids) == 1:
            return self._actors[ids[0]]
        for candidate in ids:
            # "NATO and the US": NATO speaks for the US, so the phrase is NATO's side
            whole = self.side(candidate, on=on)
            if all(other in whole for other in ids):
                return self._actors[candidate]
        trees = [self._ancestry(i, on) for i in ids]
        common = set(trees[0]).intersection(*trees[1:])
        common = {c for c in common if c in self._actors}
        if not common:
            return None
        best = min(common, key=lambda c: (sum(tree[c] for tree in trees), c))
        return self._actors[best]

    def _holder(self, ref: str, title: str, on: date) -> Actor | None:
        """The single person holding office ``title`` of ``ref`` on ``on``, if any."""
        found = {
            actor.id
            for actor in self._actors.values()
            if actor.type == "person"
            for aff in actor.affiliations
            # only dated offices: an undated one says nothing about who held it then
            if aff.parent == ref
            and aff.start is not None
            and _active(aff, on)
            and canonical_title(aff.role) == title
        }
        return self._actors[found.pop()] if len(found) == 1 else None

    def _role_phrase(self, text: str) -> tuple[str | None, str] | None:
        """(ref, title) when ``text`` is a whole titled phrase ("Ukraine's foreign minister")."""
        parse = self._parse(_tokens(text))
        if parse.name or parse.title is None:
            return None
        if parse.title and set(parse.title.split()) & _MEDIA_TITLES and parse.ref:
            if self._actors[parse.ref].type != "media":
                return None
        return parse.ref, parse.title

    def _resolve_appositive(self, parts: list[str], *, on: date | None) -> Actor | None:
        names = [p for p in parts if self._role_phrase(p) is None]
        roles = [r for r in (self._role_phrase(p) for p in parts) if r is not None]
        if len(names) != 1:
            # "the ministry's spokesman, Colonel Idris Valk": a role the parser reads as a
            # name beside a known person's name; the one known person is the speaker.
            people = {
                a.id: a
                for a in (self.resolve(n, on=on) for n in names)
                if a is not None and a.type == "person" and a.id not in self._created
            }
            return next(iter(people.values())) if len(people) == 1 else None
        known = self.resolve(names[0], on=on)
        if known is not None or not roles:
            return known
        ref, title = roles[0]
        if not looks_like_person(names[0], allow_single=True):
            return None
        affs = (Affiliation(parent=ref, role=title),) if ref is not None else ()
        person = Actor(id=_created_id(names[0]), name=names[0], type="person", affiliations=affs)
        return self._register_created(person)

    def _context_role(self, name: str, context: str) -> tuple[str | None, str] | None:
        """Find a title next to ``name`` in ``context`` (before it, or as an appositive)."""
        at = context.find(name)
        length = len(name)
        if at < 0:
            last = name.split()[-1] if name.split() else ""
            at = context.find(last) if last else -1
            length = len(last)
        if at < 0:
            return None
        before = context[:at].split()[-8:]
        for k in range(len(before), 0, -1):
            role = self._role_phrase(" ".join(before[-k:]))
            if role is not None:
                return role
        after = re.match(r"\s*,\s*([^,;()\n]{1,100})", context[at + length :])
        if after:
            words = after.group(1).split()
            for k in range(len(words), 0, -1):
                role = self._role_phrase(" ".join(words[:k]))
                if role is not None:
                    return role
        return None

    def _register_created(self, actor: Actor) -> Actor:
        existing = self._actors.get(actor.id)
        if existing is not None and existing.id not in self._created:
            return existing  # a table actor is never changed by what a text says
        if existing is not None:
            new = tuple(a for a in actor.affiliations if a not in existing.affiliations)
            kind = "person" if "person" in (existing.type, actor.type) else existing.type
            if not new and kind == existing.type:
                return existing
            actor = replace(existing, type=kind, affiliations=(*existing.affiliations, *new))
        self.add(actor)
        return actor


@lru_cache(maxsize=1)
def _builtin_entries() -> Mapping[str, _Entry]:
    """The parsed built-in table, read once per process (entries are immutable)."""
    builtin = resources.files("claimledger").joinpath("data/actors.yaml")
    return _parse_table(builtin.read_text(encoding="utf-8"), "built-in actors.yaml")


@lru_cache(maxsize=1)
def default_actor_table() -> ActorTable:
    """Return the built-in actor table, loaded once per process."""
    return ActorTable.load()


# ----------------------------------------------------------------------------- file parsing

# The C loader when PyYAML was built with libyaml (10x faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KEYS = frozenset("id name type aliases demonyms domains roles affiliations".split())
_AFF_KEYS = frozenset("parent role start end".split())


def _fail(label: str, reason: str) -> ConfigError:
    return ConfigError(Code.E401, label, reason=reason)


def _str_list(value: object, label: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(label, f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _date(value: object, label: str, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(label, f"{where}: expected a date YYYY-MM-DD, got {value!r}")


def _affiliations(value: object, label: str, where: str) -> tuple[Affiliation, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(label, f"{where}: affiliations must be a list")
    out: list[Affiliation] = []
    for k, item in enumerate(value):
        at = f"{where} affiliation {k + 1}"
        if not isinstance(item, dict):
            raise _fail(label, f"{at}: expected a mapping with 'parent'")
        unknown = sorted(set(map(str, item)) - _AFF_KEYS)
        if unknown:
            raise _fail(label, f"{at}: unknown keys {', '.join(unknown)}")
        parent, role = item.get("parent"), item.get("role", "member")
        if not isinstance(parent, str) or not parent.strip():
            raise _fail(label, f"{at}: 'parent' must be an actor id")
        if not isinstance(role, str) or not role.strip():
            raise _fail(label, f"{at}: 'role' must be a string")
        start = _date(item.get("start"), label, at)
        end = _date(item.get("end"), label, at)
        if start and end and start > end:
            raise _fail(label, f"{at}: start {start} is after end {end}")
        out.append(Affiliation(parent=parent.strip(), role=role.strip(), start=start, end=end))
    return tuple(out)


def _entry(item: object, index: int, label: str) -> _Entry:
    where = f"entry {index + 1}"
    if not isinstance(item, dict):
        raise _fail(label, f"{where}: expected a mapping with id, name and type")
    if isinstance(item.get("id"), str):
        where = f"entry {index + 1} ({item['id']})"
    unknown = sorted(set(map(str, item)) - _KEYS)
    if unknown:
        raise _fail(label, f"{where}: unknown keys {', '.join(unknown)}")
    actor_id, name, kind = item.get("id"), item.get("name"), item.get("type")
    if not isinstance(actor_id, str) or not actor_id.strip() or actor_id != actor_id.strip():
        raise _fail(label, f"{where}: 'id' must be a non-empty string without spaces around")
    if not isinstance(name, str) or not name.strip():
        raise _fail(label, f"{where}: 'name' must be a non-empty string")
    if not isinstance(kind, str) or kind not in _TYPES:
        raise _fail(label, f"{where}: 'type' must be one of {', '.join(_TYPES)}, got {kind!r}")
    affs = _affiliations(item.get("affiliations"), label, where)
    if any(a.parent == actor_id for a in affs):
        raise _fail(label, f"{where}: an actor cannot be affiliated with itself")
    actor = Actor(
        id=actor_id,
        name=name.strip(),
        type=_TYPES[kind],
        aliases=_str_list(item.get("aliases"), label, where),
        roles=_str_list(item.get("roles"), label, where),
        affiliations=affs,
    )
    return _Entry(
        actor,
        demonyms=_str_list(item.get("demonyms"), label, where),
        domains=_str_list(item.get("domains"), label, where),
    )


def _parse_table(text: str, label: str) -> dict[str, _Entry]:
    """Parse and validate one actors.yaml text into entries by id."""
    try:
        data: Any = yaml.load(text, Loader=_LOADER)  # a safe loader (C or Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise _fail(label, f"YAML syntax error{where}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _fail(label, "expected a mapping with an 'actors' list at the top")
    unknown = sorted(set(map(str, data)) - {"version", "actors"})
    if unknown:
        raise _fail(label, f"unknown top-level keys {', '.join(unknown)}")
    if data.get("version", 1) != 1:
        raise _fail(label, f"unsupported version {data.get('version')!r} (expected 1)")
    items = data.get("actors") or []
    if not isinstance(items, list):
        raise _fail(label, "'actors' must be a list")
    entries: dict[str, _Entry] = {}
    for index, item in enumerate(items):
        entry = _entry(item, index, label)
        if entry.actor.id in entries:
            raise _fail(label, f"entry {index + 1}: duplicate id {entry.actor.id!r}")
        entries[entry.actor.id] = entry
    return entries


def _check_parents(entries: Mapping[str, _Entry], label: str, checked: set[str]) -> None:
    for actor_id in sorted(checked):
        for aff in entries[actor_id].actor.affiliations:
            if aff.parent not in entries:
                raise _fail(label, f"{actor_id}: affiliation parent {aff.parent!r} is not an actor")
