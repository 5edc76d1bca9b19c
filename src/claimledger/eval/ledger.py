"""The ledger against a hand-written real-news gold: ``claimledger eval ledger``.

The gold (``eval/gold/ukraine_news.yaml``, format in docs/claims.md) names key claims, their
reactions, the statuses an analyst gives them at given dates and sentences that must open no
claim, each by article file name and character span, with a short sha1 of the span's text so
that a span that drifts off its sentence is caught (``verify_gold``).

``evaluate_ledger`` ingests a split's articles, in publication order, into a fresh ledger with
the functions ``claimledger ingest`` uses, reading the ledger after each gold date; ``score``
matches gold to what the ledger holds. Matching is pure (records in, figures out) so that it is
tested on small hand-built ledgers.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any, Literal

import yaml

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.records import STATUSES, Article

Split = Literal["dev", "test", "all"]
GoldStance = Literal["supports", "refutes", "questions"]
SPLITS: tuple[str, ...] = ("dev", "test")
GOLD_STANCES: tuple[str, ...] = ("supports", "refutes", "questions")

# Which ledger stances count as the gold stance: a doubt read as a denial (or the reverse) is
# still evidence against the claim; nothing stands in for support.
ACCEPTABLE: dict[str, frozenset[str]] = {
    "supports": frozenset({"supports"}),
    "refutes": frozenset({"refutes", "questions"}),
    "questions": frozenset({"questions", "refutes"}),
}

# Link roles that make a statement part of a claim (the same claim). A link with another role
# (evidence about a claim) counts for reactions but never makes two gold claims one.
MEMBER_ROLES: frozenset[str] = frozenset({"assertion", "report"})

DEFAULT_GOLD = Path(__file__).with_name("gold") / "ukraine_news.yaml"

# -- the gold -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """A sentence of an article file: ``[start, end)`` str indices and sha1 prefix of its text."""

    file: str
    start: int
    end: int
    sha1: str


@dataclass(frozen=True, slots=True)
class GoldReaction:
    span: GoldSpan
    stance: GoldStance
    speaker: str
    side: str
    independent: bool
    restates: bool = False
    retracts: bool = False


@dataclass(frozen=True, slots=True)
class GoldClaim:
    id: str
    split: str
    story: str
    kind: str
    gist: str
    claimant: str
    side: str
    asserted: GoldSpan
    reactions: tuple[GoldReaction, ...]
    status: tuple[tuple[date, str], ...]
    resolution: date | None = None


@dataclass(frozen=True, slots=True)
class NotClaim:
    span: GoldSpan
    split: str
    reason: str


@dataclass(frozen=True, slots=True)
class GoldArticle:
    file: str
    published: datetime
    splits: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gold:
    path: str
    articles: tuple[GoldArticle, ...]
    claims: tuple[GoldClaim, ...]
    not_claims: tuple[NotClaim, ...]

    def for_split(self, split: Split) -> Gold:
        """The articles, claims and not-claims of one split (``all``: everything)."""
        if split == "all":
            return self
        return Gold(
            path=self.path,
            articles=tuple(a for a in self.articles if split in a.splits),
            claims=tuple(c for c in self.claims if c.split == split),
            not_claims=tuple(n for n in self.not_claims if n.split == split),
        )


def span_sha1(text: str) -> str:
    """The first 10 hex digits of the sha1 of a span's UTF-8 text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _bad(where: str, reason: str) -> ConfigError:
    return ConfigError(Code.E402, where, reason=reason)


def _need(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj or obj[key] is None:
        raise _bad(where, f"{key!r} missing")
    return obj[key]


def _span(obj: Any, where: str) -> GoldSpan:
    if not isinstance(obj, Mapping):
        raise _bad(where, "not a mapping")
    span = _need(obj, "span", where)
    if (
        not isinstance(span, list)
        or len(span) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in span)
        or not 0 <= span[0] < span[1]
    ):
        raise _bad(where, "span must be [start, end] with 0 <= start < end")
    return GoldSpan(
        file=str(_need(obj, "file", where)),
        start=span[0],
        end=span[1],
        sha1=str(_need(obj, "sha1", where)),
    )


def _day(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise _bad(where, f"not a date: {value!r}") from exc


def _moment(value: Any, where: str) -> datetime:
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise _bad(where, f"not a date and time: {value!r}") from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _choice(value: Any, allowed: Sequence[str], where: str, what: str) -> str:
    if value not in allowed:
        raise _bad(where, f"{what} {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def load_gold(path: Path) -> Gold:
    """Read and check the structure of a gold file (not its spans: see ``verify_gold``).

    Raises:
        ConfigError: E402 naming the file and the item for a malformed entry.
    """
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _bad(str(path), f"unreadable gold ({' '.join(str(exc).split())[:200]})") from exc
    if not isinstance(data, Mapping):
        raise _bad(str(path), "gold is not a mapping")
    articles = []
    for i, a in enumerate(data.get("articles") or []):
        where = f"{path.name}: articles[{i}]"
        splits = tuple(_choice(s, SPLITS, where, "split") for s in _need(a, "splits", where) or ())
        articles.append(
            GoldArticle(
                file=str(_need(a, "file", where)),
                published=_moment(_need(a, "published", where), where),
                splits=splits,
            )
        )
    claims = []
    seen: set[str] = set()
    for i, c in enumerate(data.get("claims") or []):
        where = f"{path.name}: claims[{i}]"
        cid = str(_need(c, "id", where))
        where = f"{path.name}: claim {cid}"
        if cid in seen:
            raise _bad(where, "duplicate id")
        seen.add(cid)
        reactions = []
        for j, r in enumerate(c.get("reactions") or []):
            rwhere = f"{where} reactions[{j}]"
            reactions.append(
                GoldReaction(
                    span=_span(r, rwhere),
                    stance=_choice(_need(r, "stance", rwhere), GOLD_STANCES, rwhere, "stance"),  # type: ignore[arg-type]
                    speaker=str(_need(r, "speaker", rwhere)),
                    side=str(_need(r, "side", rwhere)),
                    independent=bool(_need(r, "independent", rwhere)),
                    restates=bool(r.get("restates", False)),
                    retracts=bool(r.get("retracts", False)),
                )
            )
        status = tuple(
            (
                _day(_need(s, "date", where), where),
                _choice(_need(s, "status", where), STATUSES, where, "status"),
            )
            for s in c.get("status") or []
        )
        claims.append(
            GoldClaim(
                id=cid,
                split=_choice(_need(c, "split", where), SPLITS, where, "split"),
                story=str(c.get("story") or cid),
                kind=str(_need(c, "kind", where)),
                gist=str(_need(c, "gist", where)),
                claimant=str(_need(c, "claimant", where)),
                side=str(_need(c, "side", where)),
                asserted=_span(_need(c, "asserted", where), f"{where} asserted"),
                reactions=tuple(reactions),
                status=status,
                resolution=_day(c["resolution"], where) if c.get("resolution") else None,
            )
        )
    not_claims = []
    for i, n in enumerate(data.get("not_claims") or []):
        where = f"{path.name}: not_claims[{i}]"
        not_claims.append(
            NotClaim(
                span=_span(n, where),
                split=_choice(_need(n, "split", where), SPLITS, where, "split"),
                reason=str(_need(n, "reason", where)),
            )
        )
    return Gold(
        path=str(path),
        articles=tuple(articles),
        claims=tuple(claims),
        not_claims=tuple(not_claims),
    )


def verify_gold(gold: Gold, articles_dir: Path) -> int:
    """Check every span against the article files; returns how many spans were checked.

    A span must lie inside its file, its text's sha1 must match (the span falls on the
    intended sentence), its file must be listed for the item's split, no reaction may come
    from an article published before the assertion's, and no restatement by the claimant may
    come before the assertion (the gold's assertion is the first).

    Raises:
        ConfigError: E402 naming the claim or not-claim and the file span that fails.
    """
    listed = {a.file: a for a in gold.articles}
    texts: dict[str, str] = {}

    def check(span: GoldSpan, split: str, what: str) -> None:
        where = f"{what} {span.file}[{span.start}:{span.end}]"
        art = listed.get(span.file)
        if art is None or split not in art.splits:
            raise _bad(where, f"file not listed among the {split} split's articles")
        if span.file not in texts:
            try:
                texts[span.file] = (articles_dir / span.file).read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise _bad(where, f"cannot read article ({exc})") from exc
        text = texts[span.file]
        if span.end > len(text):
            raise _bad(where, f"span beyond the end of the text ({len(text)} characters)")
        got = span_sha1(text[span.start : span.end])
        if got != span.sha1:
            raise _bad(
                where,
                f"span does not fall on the intended sentence (sha1 {got}, gold {span.sha1})",
            )

    n = 0
    for claim in gold.claims:
        check(claim.asserted, claim.split, f"claim {claim.id} assertion")
        first = (listed[claim.asserted.file].published, claim.asserted.start)
        for i, r in enumerate(claim.reactions):
            check(r.span, claim.split, f"claim {claim.id} reaction {i}")
            if listed[r.span.file].published < first[0]:
                # Nothing reacts to a claim not yet made; the ledger links evidence only to
                # claims made before it (pipeline/matching._made_after).
                raise _bad(
                    f"claim {claim.id} reaction {i}",
                    "a reaction published before the claim's assertion: nothing reacts to it yet",
                )
            if r.restates and (listed[r.span.file].published, r.span.start) < first:
                raise _bad(
                    f"claim {claim.id} reaction {i}",
                    "a restatement comes before the assertion: assert the claim there",
                )
        n += 1 + len(claim.reactions)
    for i, nc in enumerate(gold.not_claims):
        check(nc.span, nc.split, f"not-claim {i}")
        n += 1
    return n


# -- what the ledger holds, as plain records ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatementSpan:
    """A statement's content span, in the coordinates of its article's file."""

    id: str
    file: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class LinkView:
    claim_id: str
    statement_id: str
    stance: str
    role: str


@dataclass(slots=True)
class LedgerView:
    """The statements, claims (by first statement), links and statuses of a ledger at a moment."""

    statements: list[StatementSpan] = field(default_factory=list)
    first_statement: dict[str, str] = field(default_factory=dict)  # claim id -> statement id
    links: list[LinkView] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)  # claim id -> status at the moment
    articles: int = 0


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two ranges overlap by at least half of the shorter one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return shorter > 0 and inter * 2 >= shorter


class _Index:
    """Lookups over one ``LedgerView``."""

    def __init__(self, view: LedgerView) -> None:
        self.view = view
        self.by_file: dict[str, list[StatementSpan]] = {}
        for st in view.statements:
            self.by_file.setdefault(st.file, []).append(st)
        self.members: dict[str, set[str]] = {}
        self.claims_of: dict[str, set[str]] = {}  # statement id -> claims it is linked to
        self.links_of: dict[str, list[LinkView]] = {}
        for cid, sid in view.first_statement.items():
            self.members.setdefault(cid, set()).add(sid)
            self.claims_of.setdefault(sid, set()).add(cid)
        for link in view.links:
            self.links_of.setdefault(link.statement_id, []).append(link)
            if link.role in MEMBER_ROLES:
                self.members.setdefault(link.claim_id, set()).add(link.statement_id)
                self.claims_of.setdefault(link.statement_id, set()).add(link.claim_id)
        self.opened_by: dict[str, set[str]] = {}
        for cid, sid in view.first_statement.items():
            self.opened_by.setdefault(sid, set()).add(cid)

    def covering(self, span: GoldSpan) -> set[str]:
        return {
            st.id
            for st in self.by_file.get(span.file, ())
            if overlaps((st.start, st.end), (span.start, span.end))
        }


# -- scoring ------------------------------------------------------------------------------------

Outcome = Literal["found", "merged", "missing"]


@dataclass(slots=True)
class ClaimResult:
    id: str
    split: str
    kind: str
    outcome: Outcome
    claim_ids: list[str]  # ledger claims holding the assertion, own claim first
    merged_with: list[str]  # other gold claims whose assertion the holder also holds
    reactions: int
    reactions_linked: int
    statuses: list[dict[str, Any]]  # {date, gold, ledger}


@dataclass(slots=True)
class LedgerReport:
    """Figures of one ``eval ledger`` run and what they rest on."""

    gold: str
    split: str
    articles: int
    claims: int  # gold claims scored
    found: int
    merged: int
    missing: int
    reactions: int
    reactions_linked: int
    statuses: int
    statuses_right: int
    not_claims: int
    not_claims_opened: int
    ledger_claims: int
    seconds: float = 0.0
    by_stance: dict[str, list[int]] = field(default_factory=dict)  # stance -> [linked, total]
    results: list[ClaimResult] = field(default_factory=list)
    opened_not_claims: list[dict[str, Any]] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        """The headline shares (0 when there is nothing to count)."""

        def share(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        return {
            "found": share(self.found, self.claims),
            "merged": share(self.merged, self.claims),
            "reactions_linked": share(self.reactions_linked, self.reactions),
            "statuses_right": share(self.statuses_right, self.statuses),
            "not_claims_opened": share(self.not_claims_opened, self.not_claims),
            "claims_per_article": share(self.ledger_claims, self.articles),
        }


def score(
    gold: Gold,
    final: LedgerView,
    *,
    at: Mapping[date, LedgerView] | None = None,
    split: str = "all",
) -> LedgerReport:
    """Match a split's gold to a ledger.

    Args:
        gold: The gold, already cut to the split (``Gold.for_split``); its claims are scored.
        final: The ledger after every article of the split.
        at: The ledger as it stood at the end of each gold status date; statuses are read
            from it (missing dates count as wrong).
        split: Name of the split, for the report.

    A gold claim is *found* when a statement covering its assertion opened a claim whose
    statements include no other gold claim's assertion; *merged* when a claim holding the
    assertion (as its assertion or a report) holds another gold claim's assertion too;
    *missing* otherwise. A reaction is linked when a statement covering it is linked to a claim
    holding the assertion with an acceptable stance (``ACCEPTABLE``).
    """
    idx = _Index(final)
    assertion_cover = {c.id: idx.covering(c.asserted) for c in gold.claims}
    results: list[ClaimResult] = []
    by_stance: dict[str, list[int]] = {s: [0, 0] for s in GOLD_STANCES}
    statuses = statuses_right = 0
    for claim in gold.claims:
        others = set().union(*(v for k, v in assertion_cover.items() if k != claim.id))
        mine = assertion_cover[claim.id]
        outcome, holders, merged_with = _outcome(idx, mine, others, assertion_cover, claim.id)
        linked = 0
        for r in claim.reactions:
            ok = _reaction_linked(idx, r, holders)
            linked += ok
            by_stance[r.stance][0] += ok
            by_stance[r.stance][1] += 1
        rows = []
        for day, want in claim.status:
            view = (at or {}).get(day)
            got = _status_at(view, claim) if view is not None else None
            statuses += 1
            statuses_right += got == want
            rows.append({"date": day.isoformat(), "gold": want, "ledger": got})
        results.append(
            ClaimResult(
                id=claim.id,
                split=claim.split,
                kind=claim.kind,
                outcome=outcome,
                claim_ids=holders,
                merged_with=merged_with,
                reactions=len(claim.reactions),
                reactions_linked=linked,
                statuses=rows,
            )
        )
    opened = []
    for nc in gold.not_claims:
        claims = sorted(set().union(*(idx.opened_by.get(s, set()) for s in idx.covering(nc.span))))
        if claims:
            opened.append(
                {
                    "file": nc.span.file,
                    "span": [nc.span.start, nc.span.end],
                    "reason": nc.reason,
                    "claims": claims,
                }
            )
    return LedgerReport(
        gold=gold.path,
        split=split,
        articles=final.articles,
        claims=len(results),
        found=sum(r.outcome == "found" for r in results),
        merged=sum(r.outcome == "merged" for r in results),
        missing=sum(r.outcome == "missing" for r in results),
        reactions=sum(r.reactions for r in results),
        reactions_linked=sum(r.reactions_linked for r in results),
        statuses=statuses,
        statuses_right=statuses_right,
        not_claims=len(gold.not_claims),
        not_claims_opened=len(opened),
        ledger_claims=len(final.first_statement),
        by_stance=by_stance,
        results=results,
        opened_not_claims=opened,
    )


def _outcome(
    idx: _Index,
    mine: set[str],
    others: set[str],
    assertion_cover: Mapping[str, set[str]],
    claim_id: str,
) -> tuple[Outcome, list[str], list[str]]:
    """found / merged / missing, the ledger claims holding the assertion, and merge partners."""
    own = sorted(set().union(*(idx.opened_by.get(s, set()) for s in mine)))
    holding = sorted(set().union(*(idx.claims_of.get(s, set()) for s in mine)))
    holders = own + [c for c in holding if c not in own]

    def partners(cid: str) -> list[str]:
        held = idx.members.get(cid, set())
        return sorted(k for k, v in assertion_cover.items() if k != claim_id and held & v)

    clean = [c for c in own if not idx.members.get(c, set()) & others]
    if clean:
        return "found", clean + [c for c in holders if c not in clean], []
    merged = sorted({p for c in holders for p in partners(c)})
    if merged:
        return "merged", holders, merged
    return "missing", holders, []


def _reaction_linked(idx: _Index, reaction: GoldReaction, holders: Sequence[str]) -> bool:
    accept = ACCEPTABLE[reaction.stance]
    wanted = set(holders)
    return any(
        link.claim_id in wanted and link.stance in accept
        for sid in idx.covering(reaction.span)
        for link in idx.links_of.get(sid, ())
    )


def _status_at(view: LedgerView, claim: GoldClaim) -> str | None:
    """The status at a date of the claim that holds the gold claim there (own claim first)."""
    idx = _Index(view)
    mine = idx.covering(claim.asserted)
    own = sorted(set().union(*(idx.opened_by.get(s, set()) for s in mine)))
    holding = sorted(set().union(*(idx.claims_of.get(s, set()) for s in mine)))
    for cid in own + holding:
        if cid in view.status:
            return view.status[cid]
    return None


# -- running the pipeline -----------------------------------------------------------------------


def read_gold_articles(
    gold: Gold, articles_dir: Path, *, config: Config
) -> list[tuple[str, Article, int]]:
    """The split's articles as ingest reads them, dated by the gold, in publication order.

    Returns ``(file, article, shift)``: a file offset minus ``shift`` is an offset into
    ``article.text`` (ingest strips leading whitespace).

    Raises:
        ConfigError: E402 naming the file when it cannot be read as an article or its stored
            text is not the file's text.
    """
    from claimledger.ingest.sources import Defaults, read_file
    from claimledger.pipeline.local import fetch_options

    out: list[tuple[str, Article, int]] = []
    for art in sorted(gold.articles, key=lambda a: (a.published, a.file)):
        path = articles_dir / art.file
        got = list(
            read_file(
                path, defaults=Defaults(published=art.published), options=fetch_options(config)
            )
        )
        if len(got) != 1 or not isinstance(got[0], Article):
            reason = getattr(got[0], "reason", "not one article") if got else "nothing read"
            raise _bad(str(path), f"cannot read as an article ({reason})")
        article = got[0]
        raw = path.read_text("utf-8")
        shift = raw.find(article.text)
        if shift < 0:
            raise _bad(str(path), "stored text differs from the file's; spans cannot be mapped")
        out.append((art.file, article, shift))
    return out


def ledger_view(
    ledger: Any, files: Mapping[str, Sequence[tuple[str, int]]], *, until: datetime | None = None
) -> LedgerView:
    """Read statements, claims, links and statuses (at ``until``, default now) from a ledger.

    Args:
        ledger: An open ``Ledger``.
        files: article id -> the (file name, shift) of each file with that text (exact copies
            are one article).
        until: Read each claim's status from its history at this moment.
    """
    view = LedgerView()
    view.articles = len(ledger.articles(ids=list(files)))
    for article_id, copies in files.items():
        for st in ledger.statements(article_id=article_id):
            for name, shift in copies:
                view.statements.append(
                    StatementSpan(
                        id=st.id, file=name, start=st.content[0] + shift, end=st.content[1] + shift
                    )
                )
    for claim in ledger.claims():
        if claim.first_statement_id:
            view.first_statement[claim.id] = claim.first_statement_id
        status: str | None = None
        for event in sorted(ledger.history(claim.id), key=lambda e: (e.at, e.id)):
            at = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)
            if until is None or at <= until:
                status = event.new
        if status is not None:
            view.status[claim.id] = status
    for link in ledger.links():
        if link.statement_id:
            view.links.append(
                LinkView(
                    claim_id=link.claim_id,
                    statement_id=link.statement_id,
                    stance=link.stance,
                    role=link.role,
                )
            )
    return view


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, dtime(23, 59, 59), tzinfo=UTC)


def evaluate_ledger(
    gold_path: Path,
    articles_dir: Path,
    *,
    split: Split = "dev",
    config: Config,
    db_url: str | None = None,
) -> LedgerReport:
    """Ingest a split's articles into a fresh ledger and score it against the gold.

    Articles are stored and analysed in publication order, in steps that end at each gold
    status date; after each step the ledger is read (statuses from the claims' histories at
    the end of that day). With ``db_url`` the ledger is that store (it must be empty); else a
    temporary SQLite file.

    Raises:
        ConfigError: E402 for a malformed gold, a span off its sentence, an unreadable
            article or a ``db_url`` that already holds articles.
    """
    from claimledger.store.ledger import Ledger

    started = time.perf_counter()
    full = load_gold(gold_path)
    verify_gold(full, articles_dir)
    gold = full.for_split(split)
    articles = read_gold_articles(gold, articles_dir, config=config)
    days = sorted({d for c in gold.claims for d, _ in c.status})
    with tempfile.TemporaryDirectory(prefix="claimledger-eval-") as tmp:
        url = db_url or f"sqlite:///{Path(tmp) / 'ledger.db'}"
        ledger = Ledger.open(url)
        try:
            if ledger.count("articles"):
                raise _bad(url.split("@")[-1], "eval ledger needs an empty ledger")
            files: dict[str, list[tuple[str, int]]] = {}
            for name, a, shift in articles:  # exact copies share one article id
                files.setdefault(a.id, []).append((name, shift))
            at: dict[date, LedgerView] = {}
            pending = [a for _, a, _ in articles]
            for day in days:
                cut = end_of_day(day)
                step = [a for a in pending if a.published is None or a.published <= cut]
                pending = [a for a in pending if a not in step]
                if step:
                    _ingest(step, ledger=ledger, config=config)
                at[day] = ledger_view(ledger, files, until=cut)
            if pending:
                _ingest(pending, ledger=ledger, config=config)
            final = ledger_view(ledger, files)
        finally:
            ledger.close()
    report = score(gold, final, at=at, split=split)
    report.seconds = round(time.perf_counter() - started, 1)
    return report


def _ingest(step: Sequence[Article], *, ledger: Any, config: Config) -> None:
    """Store and analyse one step's articles as ``claimledger ingest`` does (records, not files)."""
    from claimledger.ingest.sources import Defaults
    from claimledger.pipeline.local import new_run_id, store_sources
    from claimledger.pipeline.process import process_pending

    run_id = new_run_id("eval ledger")
    ledger.start_run(run_id, command="eval ledger", config_json=config.to_json())
    store_sources(
        [], ledger=ledger, config=config, defaults=Defaults(), run_id=run_id, items=list(step)
    )
    process_pending(ledger=ledger, config=config)
    ledger.finish_run(run_id)


# -- rendering ----------------------------------------------------------------------------------


def report_json(report: LedgerReport) -> dict[str, Any]:
    """The report as JSON-ready data (figures first)."""
    return {
        "gold": report.gold,
        "split": report.split,
        "figures": report.figures(),
        "counts": {
            "articles": report.articles,
            "claims": report.claims,
            "found": report.found,
            "merged": report.merged,
            "missing": report.missing,
            "reactions": report.reactions,
            "reactions_linked": report.reactions_linked,
            "statuses": report.statuses,
            "statuses_right": report.statuses_right,
            "not_claims": report.not_claims,
            "not_claims_opened": report.not_claims_opened,
            "ledger_claims": report.ledger_claims,
        },
        "reactions_by_stance": {
            k: {"linked": v[0], "total": v[1]} for k, v in report.by_stance.items()
        },
        "seconds": report.seconds,
        "claims": [
            {
                "id": r.id,
                "split": r.split,
                "kind": r.kind,
                "outcome": r.outcome,
                "ledger_claims": r.claim_ids,
                "merged_with": r.merged_with,
                "reactions": r.reactions,
                "reactions_linked": r.reactions_linked,
                "statuses": r.statuses,
            }
            for r in report.results
        ],
        "not_claims_opened": report.opened_not_claims,
    }


def format_ledger_report(report: LedgerReport) -> str:
    """A plain-text table of the figures, then one line per gold claim."""
    f = report.figures()

    def pct(x: float) -> str:
        return f"{100 * x:.0f}%"

    rows = [
        (
            "gold claims found as claims of their own",
            f"{report.found}/{report.claims}",
            pct(f["found"]),
        ),
        ("gold claims merged into another", f"{report.merged}/{report.claims}", pct(f["merged"])),
        ("gold claims missing", f"{report.missing}/{report.claims}", ""),
        (
            "reactions linked with an acceptable stance",
            f"{report.reactions_linked}/{report.reactions}",
            pct(f["reactions_linked"]),
        ),
        *(
            (f"  of which {k}", f"{v[0]}/{v[1]}", pct(v[0] / v[1]) if v[1] else "")
            for k, v in report.by_stance.items()
        ),
        (
            "statuses right at their date",
            f"{report.statuses_right}/{report.statuses}",
            pct(f["statuses_right"]),
        ),
        (
            "not-claims that opened a claim",
            f"{report.not_claims_opened}/{report.not_claims}",
            pct(f["not_claims_opened"]),
        ),
        (
            "claims per article",
            f"{report.ledger_claims}/{report.articles}",
            f"{f['claims_per_article']:.1f}",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [f"eval ledger: {Path(report.gold).name}, split {report.split}, {report.seconds:.0f} s"]
    lines += [f"{name:<{width}}  {count:>7}  {share:>5}" for name, count, share in rows]
    lines.append("")
    for r in report.results:
        st = " ".join(
            f"{s['date']}:{s['gold']}{'=' if s['gold'] == s['ledger'] else '/' + str(s['ledger'])}"
            for s in r.statuses
        )
        extra = f" with {','.join(r.merged_with)}" if r.merged_with else ""
        lines.append(
            f"{r.id:<40} {r.outcome:<7}{extra} reactions {r.reactions_linked}/{r.reactions} {st}"
        )
    return "\n".join(lines)


def iter_spans(gold: Gold) -> Iterable[GoldSpan]:
    """Every span of a gold (assertions, reactions, not-claims)."""
    for c in gold.claims:
        yield c.asserted
        yield from (r.span for r in c.reactions)
    yield from (n.span for n in gold.not_claims)
