"""The verdict policy: versioned thresholds of the "see, then believe" engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from claimledger.errors import Code, ConfigError

DEFAULT_POLICY_VERSION = "see-then-believe/1"


class Policy(BaseModel):
    """Thresholds and switches of the verdict engine.

    Every field is a config key (section ``[verify]``); the version string is
    stored on each :class:`~claimledger.records.StatusEvent`, so change it
    whenever a threshold changes meaning.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(default=DEFAULT_POLICY_VERSION, min_length=1)
    min_independent_support: int = Field(default=2, ge=1)
    """Independent sources (distinct origins) supporting needed for ``corroborated``."""
    min_independent_refutation: int = Field(default=1, ge=1)
    """Independent sources refuting needed for refutation to stand."""
    min_support_to_contest: int = Field(default=1, ge=1)
    """Independent supporting sources that, against a standing refutation, make ``contested``."""
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    """Stance confidence below which an item is shown but not counted."""
    collapse_same_source: bool = True
    """Count one source once: origins quoting the same or affiliated actors merge."""
    same_origin_attributed_counts: bool = False
    """Let a non-claimant speaker quoted inside the assertion's own origin count."""
    unknown_speaker_counts: bool = False
    """Let someone's word whose speaker was not found count (as if it were the outlet's)."""
    exclude_parties: bool = True
    """Never count statements from the side of a party the claim is about (the accused)."""
    count_article_links: bool = True
    """Let article-level links (no statement) count as the outlet's own evidence."""
    suggestions: Literal["ledger", "on", "off"] = "ledger"
    """Links below ``suggest_below`` are suggestions, counted once an analyst confirms them;
    ``ledger``: as the ledger stored when it was created (on for a new ledger, off for one
    that held articles before; docs/review.md)."""
    suggest_below: float = Field(default=0.5, ge=0.0, le=1.0)
    """Link confidence below which a link is a suggestion (when suggestions are on)."""
    demand_rules_off: tuple[str, ...] = ()
    """Ids of the demand-for-evidence rules (``verify/demand.py``) switched off."""

    @field_validator("demand_rules_off")
    @classmethod
    def _known_demand_rules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from claimledger.verify.demand import RULE_IDS

        unknown = sorted(set(value) - set(RULE_IDS))
        if unknown:
            raise ValueError(f"unknown rule id {unknown[0]!r} (known: {', '.join(RULE_IDS)})")
        return value


DEFAULT_POLICY = Policy()


def load_policy(values: Mapping[str, object] | None = None) -> Policy:
    """Build a :class:`Policy` from config values, validated.

    Args:
        values: The ``[verify]`` config section; missing keys take defaults.

    Returns:
        The policy.

    Raises:
        ConfigError: E401 naming the first invalid key.
    """
    try:
        return Policy.model_validate(dict(values or {}))
    except ValidationError as err:
        first = err.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "verify"
        raise ConfigError(Code.E401, f"verify.{key}", reason=first["msg"]) from None
