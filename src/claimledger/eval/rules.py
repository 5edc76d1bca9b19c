"""Each named rule's effect on the real-news gold: ``claimledger eval rules``.

A rule is kept when it helps on real data (docs/claims.md, "Rule ablation"). For each rule
that can be switched off by id through config (``claims.rules_off``: the not-a-claim rules of
``extract/claimhood.py`` and the claim-opening rules of ``pipeline/opening.py``, both in the
``claimhood`` table; the content rules of ``extract/proposition.py``; the same-claim and
evidence rules of ``link/relation.py``; the nested-attribution rules and judgement cues of
``extract/nested_patterns.py``; the doubt lexicon's use as the gate of doubts about an
article's news, ``stance/doubt.py``; the rules around the attribution CRFs,
``extract/attribution.py`` ``EXTRACTION_RULES``),
``evaluate_rules`` builds the ledger of a gold split once with every rule on (the baseline)
and once per rule with that one rule switched off, with ``evaluate_ledger``, and ``compare``
says what changed: each headline figure, and the gold claims and not-claims whose outcome
moved. A rule whose switch changes nothing is reported as doing nothing on real data.

The doubt lexicon is also a feature set of the trained ``questions`` classifier; that use has
no switch (the model was trained with it) and is measured by retraining. The actor side
rules (``extract/actors.py``) have no switch and are not measured. ``--rules`` takes rule
ids or table names (``claimhood``, ``content``, ``relation``, ``nested``, ``cue``,
``doubt``, ``extraction``): every rule would be about fifty runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimledger.config import Config
from claimledger.errors import Code, ConfigError
from claimledger.eval.ledger import LedgerReport, Split, evaluate_ledger

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SwitchableRule:
    """A rule that ``claims.rules_off`` can switch off: its id, table and purpose."""

    id: str
    table: str
    purpose: str


def switchable_rules() -> tuple[SwitchableRule, ...]:
    """The rules that config can switch off, in table order (see the module docstring)."""
    from claimledger.extract.attribution import EXTRACTION_RULES
    from claimledger.extract.claimhood import RULES as CLAIM_RULES
    from claimledger.extract.nested_patterns import CUES, DEFAULT_RULES
    from claimledger.extract.nested_patterns import RULES as NESTED_RULES
    from claimledger.extract.proposition import CONTENT_RULES
    from claimledger.link.relation import RULES as RELATION_RULES
    from claimledger.pipeline.opening import RULES as OPENING_RULES
    from claimledger.stance.doubt import DOUBT_RULES

    return (
        tuple(SwitchableRule(r.id, "claimhood", r.purpose) for r in CLAIM_RULES + OPENING_RULES)
        + tuple(SwitchableRule(r.id, "content", r.purpose) for r in CONTENT_RULES)
        + tuple(SwitchableRule(r.id, "relation", r.purpose) for r in RELATION_RULES)
        + tuple(
            SwitchableRule(r.id, "nested", r.purpose) for r in NESTED_RULES if r.id in DEFAULT_RULES
        )
        + tuple(SwitchableRule(c.id, "cue", c.purpose) for c in CUES)
        + tuple(SwitchableRule(r.id, "doubt", r.purpose) for r in DOUBT_RULES)
        + tuple(
            SwitchableRule(rid, "extraction", purpose)
            for rid, (_, purpose) in EXTRACTION_RULES.items()
        )
    )


TABLES: tuple[str, ...] = (
    "claimhood",
    "content",
    "relation",
    "nested",
    "cue",
    "doubt",
    "extraction",
)


# Headline figures: name -> (count field, total field) of ``LedgerReport``. The shares are
# ``LedgerReport.figures()``; claims per article is ledger claims over articles.
FIGURES: dict[str, tuple[str, str]] = {
    "found": ("found", "claims"),
    "merged": ("merged", "claims"),
    "reactions_linked": ("reactions_linked", "reactions"),
    "statuses_right": ("statuses_right", "statuses"),
    "not_claims_opened": ("not_claims_opened", "not_claims"),
    "claims_per_article": ("ledger_claims", "articles"),
}
# Whether a rise of the figure is good (for the text table's reading, not for the diff); more
# claims per article is neither good nor bad by itself.
HIGHER_IS_BETTER: dict[str, bool | None] = {
    "found": True,
    "merged": False,
    "reactions_linked": True,
    "statuses_right": True,
    "not_claims_opened": False,
    "claims_per_article": None,
}


@dataclass(slots=True)
class RuleEffect:
    """What switching one rule off did against the baseline.

    ``counts`` holds the count change of each figure (ablated minus baseline; for claims per
    article, the change in ledger claims), ``shares`` the change of each share; ``items``
    names the gold claims and not-claims whose outcome moved (``c1: found -> merged``).
    """

    rule: str
    table: str
    purpose: str
    counts: dict[str, int]
    shares: dict[str, float]
    items: list[str]
    seconds: float = 0.0

    @property
    def no_effect(self) -> bool:
        """True when switching the rule off changed no figure and no gold item."""
        return not any(self.counts.values()) and not self.items

    @property
    def ledger_only(self) -> bool:
        """True when it changed the number of claims in the ledger but no gold figure or item."""
        gold = any(v for k, v in self.counts.items() if k != "claims_per_article")
        return bool(self.counts["claims_per_article"]) and not gold and not self.items


@dataclass(slots=True)
class RulesReport:
    """The baseline run and one ``RuleEffect`` per rule switched off."""

    gold: str
    split: str
    baseline: LedgerReport
    effects: list[RuleEffect]
    skipped: list[str] = field(default_factory=list)  # already off in the configuration

    @property
    def no_effect(self) -> list[str]:
        """Rules that change nothing on this data (candidates to remove)."""
        return [e.rule for e in self.effects if e.no_effect]

    @property
    def ledger_only(self) -> list[str]:
        """Rules that change the ledger's claims but no figure or item of the gold."""
        return [e.rule for e in self.effects if e.ledger_only]


def _counts(report: LedgerReport) -> dict[str, int]:
    return {name: int(getattr(report, count)) for name, (count, _) in FIGURES.items()}


def _items(report: LedgerReport) -> dict[str, str]:
    """Gold item -> a comparable description of its outcome in one run."""
    out: dict[str, str] = {}
    for r in report.results:
        statuses = ",".join(f"{s['date']}={s['ledger']}" for s in r.statuses)
        merged = f" with {'+'.join(r.merged_with)}" if r.merged_with else ""
        out[r.id] = (
            f"{r.outcome}{merged}, reactions {r.reactions_linked}/{r.reactions}, "
            f"statuses {statuses}"
        )
    for nc in report.opened_not_claims:
        out[f"not-claim {nc['file']}[{nc['span'][0]}:{nc['span'][1]}]"] = "opened"
    return out


def compare(baseline: LedgerReport, ablated: LedgerReport, rule: SwitchableRule) -> RuleEffect:
    """The change from the baseline run to the run with ``rule`` switched off (pure)."""
    if (baseline.gold, baseline.split, baseline.claims) != (
        ablated.gold,
        ablated.split,
        ablated.claims,
    ):
        raise ConfigError(
            Code.E402, f"eval rules {rule.id}", reason="the two runs are not of one gold split"
        )
    before, after = _counts(baseline), _counts(ablated)
    fig_before, fig_after = baseline.figures(), ablated.figures()
    items_before, items_after = _items(baseline), _items(ablated)
    items = []
    for key in [*items_before, *(k for k in items_after if k not in items_before)]:
        was, now = items_before.get(key, "not opened"), items_after.get(key, "not opened")
        if was != now:
            items.append(f"{key}: {was} -> {now}")
    return RuleEffect(
        rule=rule.id,
        table=rule.table,
        purpose=rule.purpose,
        counts={k: after[k] - before[k] for k in FIGURES},
        shares={k: round(fig_after[k] - fig_before[k], 3) for k in FIGURES},
        items=items,
        seconds=ablated.seconds,
    )


def choose_rules(
    ids: Sequence[str] | None, config: Config
) -> tuple[list[SwitchableRule], list[str]]:
    """The rules to ablate (all switchable ones by default) and those skipped as already off.

    Raises:
        ConfigError: E402 naming an id that is no switchable rule, or a rule named that is
            already off in ``claims.rules_off`` (its baseline would not have it on).
    """
    known = {r.id: r for r in switchable_rules()}
    off = set(config.claims.rules_off)
    if ids is None:
        return [r for r in known.values() if r.id not in off], [r for r in known if r in off]
    chosen = []
    skipped: list[str] = []
    wanted: list[str] = []
    for rid in ids:
        if rid in TABLES:  # a table name: its rules not already off
            table = [r.id for r in known.values() if r.table == rid]
            wanted.extend(r for r in table if r not in off)
            skipped.extend(r for r in table if r in off)
        else:
            wanted.append(rid)
    for rid in wanted:
        if rid not in known:
            raise ConfigError(
                Code.E402,
                "eval rules --rules",
                reason=f"unknown rule id {rid!r} (known: {', '.join(TABLES)} or an id of them)",
            )
        if rid in off:
            raise ConfigError(
                Code.E402,
                "eval rules --rules",
                reason=f"rule {rid} is already off in claims.rules_off; its baseline needs it on",
            )
        if known[rid] not in chosen:
            chosen.append(known[rid])
    return chosen, skipped


def with_rule_off(config: Config, rule_id: str) -> Config:
    """A copy of ``config`` with ``rule_id`` added to ``claims.rules_off``."""
    claims = config.claims.model_copy(update={"rules_off": [*config.claims.rules_off, rule_id]})
    return config.model_copy(update={"claims": claims})


def evaluate_rules(
    gold_path: Path,
    articles_dir: Path,
    *,
    split: Split = "dev",
    config: Config,
    rules: Sequence[str] | None = None,
) -> RulesReport:
    """Run ``evaluate_ledger`` with every rule on, then once per rule switched off.

    Args:
        gold_path: The gold YAML (``eval ledger``'s format).
        articles_dir: Folder of its article files.
        split: The gold split to build and score (tune on ``dev``).
        config: The baseline configuration; rules already off in it stay off.
        rules: Rule ids to ablate; default every switchable rule not already off.

    Raises:
        ConfigError: E402 for an unknown or already-off rule id, and whatever
            ``evaluate_ledger`` raises for the gold or the articles.
    """
    chosen, skipped = choose_rules(rules, config)
    baseline = evaluate_ledger(gold_path, articles_dir, split=split, config=config)
    logger.info("eval rules: baseline done in %.0f s", baseline.seconds)
    effects = []
    for rule in chosen:
        ablated = evaluate_ledger(
            gold_path, articles_dir, split=split, config=with_rule_off(config, rule.id)
        )
        effects.append(compare(baseline, ablated, rule))
        logger.info("eval rules: %s off done in %.0f s", rule.id, ablated.seconds)
    return RulesReport(
        gold=baseline.gold, split=split, baseline=baseline, effects=effects, skipped=skipped
    )


# -- rendering ----------------------------------------------------------------------------------


def rules_report_json(report: RulesReport) -> dict[str, Any]:
    """The report as JSON-ready data: baseline figures and counts, then one entry per rule."""
    base = report.baseline
    return {
        "gold": report.gold,
        "split": report.split,
        "baseline": {
            "figures": base.figures(),
            "counts": {
                name: {"count": getattr(base, c), "of": getattr(base, t)}
                for name, (c, t) in FIGURES.items()
            },
            "seconds": base.seconds,
        },
        "rules": [
            {
                "rule": e.rule,
                "table": e.table,
                "purpose": e.purpose,
                "no_effect": e.no_effect,
                "ledger_only": e.ledger_only,
                "count_change": e.counts,
                "share_change": e.shares,
                "items_changed": e.items,
                "seconds": e.seconds,
            }
            for e in report.effects
        ],
        "no_effect": report.no_effect,
        "ledger_only": report.ledger_only,
        "skipped": report.skipped,
    }


_HEADERS: dict[str, str] = {
    "found": "found",
    "merged": "merged",
    "reactions_linked": "reactions",
    "statuses_right": "statuses",
    "not_claims_opened": "not-claims",
    "claims_per_article": "claims/art",
}


def _signed(n: float, digits: int = 0) -> str:
    if n == 0:
        return "0"
    return f"{n:+.{digits}f}"


def format_rules_report(report: RulesReport) -> str:
    """A plain-text table: the baseline's counts, then each rule's change, then what moved.

    A change is ``+N``/``-N`` in the figure's count (claims per article: its change); ``!``
    marks a change for the worse when the rule is off, i.e. the rule helps there. ``no effect``:
    nothing changed; ``ledger only``: the number of claims changed, no gold figure or item.
    """
    base = report.baseline
    head = ["rule", *_HEADERS.values(), ""]
    first = ["baseline (all on)"]
    figs = base.figures()
    for name, (c, t) in FIGURES.items():
        if name == "claims_per_article":
            first.append(f"{figs[name]:.2f}")
        else:
            first.append(f"{getattr(base, c)}/{getattr(base, t)}")
    rows = [head, first + [""]]
    for e in report.effects:
        row = [f"{e.rule} off"]
        for name in FIGURES:
            if name == "claims_per_article":
                cell = _signed(e.shares[name], 2)
            else:
                cell = _signed(e.counts[name])
            better = HIGHER_IS_BETTER[name]
            worse = better is not None and e.counts[name] != 0 and (e.counts[name] > 0) != better
            row.append(cell + ("!" if worse else ""))
        row.append("no effect" if e.no_effect else "ledger only" if e.ledger_only else "")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        f"eval rules: {Path(report.gold).name}, split {report.split}, "
        f"{1 + len(report.effects)} runs, "
        f"{base.seconds + sum(e.seconds for e in report.effects):.0f} s"
    ]
    for r in rows:
        cells = [
            r[0].ljust(widths[0]),
            *(c.rjust(w) for c, w in zip(r[1:-1], widths[1:-1], strict=True)),
        ]
        lines.append("  ".join(cells + [r[-1]]).rstrip())
    lines.append("")
    lines.append(
        "rules that change nothing on this data: " + (", ".join(report.no_effect) or "none")
    )
    lines.append(
        "rules that change the ledger's claims but no gold figure: "
        + (", ".join(report.ledger_only) or "none")
    )
    if report.skipped:
        lines.append("already off in claims.rules_off, not measured: " + ", ".join(report.skipped))
    for e in report.effects:
        if e.items:
            lines.append("")
            lines.append(f"{e.rule} off ({e.purpose}):")
            lines.extend(f"  {item}" for item in e.items)
    return "\n".join(lines)
