"""Hand-built records for the verdict engine tests (no models needed).

Imported by plain name: pytest puts tests/verify on sys.path (rootdir-less ``prepend`` mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from claimledger.records import Claim, Stance
from claimledger.verify.evidence import Evidence, Role


@dataclass
class FakeAffiliations:
    """A tiny actor tree: child -> (parent, start, end); same side = shared ancestor."""

    parents: dict[str, tuple[str, date | None, date | None]] = field(default_factory=dict)

    def _chain(self, actor: str, on: date | None) -> list[str]:
        chain = [actor]
        while chain[-1] in self.parents and len(chain) < 20:
            parent, start, end = self.parents[chain[-1]]
            if on is not None and ((start and on < start) or (end and on > end)):
                break
            chain.append(parent)
        return chain

    def affiliated(self, a: str, b: str, *, on: date | None = None) -> bool:
        return bool(set(self._chain(a, on)) & set(self._chain(b, on)))


def default_affiliations() -> FakeAffiliations:
    """Russia with ministry, spokesperson and state media; the US; Ukraine; wires."""
    return FakeAffiliations(
        {
            "ru-mod": ("ru", None, None),
            "ru-mod-spox": ("ru-mod", None, None),
            "rt": ("ru", None, None),
            "tass": ("ru", None, None),
            "us-dod": ("us", None, None),
            "us-state": ("us", None, None),
            "ua-mfa": ("ua", None, None),
            # A former ministry spokesperson who left in 2023.
            "ex-spox": ("ru-mod", None, date(2023, 6, 30)),
        }
    )


def day(d: int, hour: int = 12, month: int = 3) -> datetime:
    return datetime(2024, month, d, hour, tzinfo=UTC)


def make_claim(**overrides: object) -> Claim:
    values: dict[str, object] = {
        "id": "c1",
        "text": "Ukrainian forces shelled the Zaporizhzhia plant",
        "first_seen": day(1, 9),
        "claimant_name": "Russian Defence Ministry",
        "claimant_actor_id": "ru-mod",
    }
    values.update(overrides)
    return Claim(**values)  # type: ignore[arg-type]


def ev(
    link_id: str,
    *,
    origin: str,
    stance: Stance = "supports",
    outlet: str = "Reuters",
    outlet_actor: str | None = "reuters",
    speaker: str | None = None,
    speaker_actor: str | None = None,
    when: datetime | None = None,
    confidence: float = 0.9,
    retracts: bool = False,
    role: Role = "report",
    statement: str | None = "auto",
    text: str = "",
    article: str | None = None,
    claim_id: str = "c1",
    origin_outlet_actor: str | None = None,
) -> Evidence:
    return Evidence(
        link_id=link_id,
        claim_id=claim_id,
        statement_id=f"s-{link_id}" if statement == "auto" else statement,
        article_id=article or f"a-{link_id}",
        origin_id=origin,
        outlet=outlet,
        outlet_actor_id=outlet_actor,
        speaker=speaker,
        speaker_actor_id=speaker_actor,
        stance=stance,
        confidence=confidence,
        date=when or day(2),
        retracts=retracts,
        role=role,
        origin_outlet_actor_id=origin_outlet_actor,
        text=text,
    )


def assertion(link_id: str = "l-assert", *, origin: str = "o-assert") -> Evidence:
    """The claimant's own assertion, carried by TASS."""
    return ev(
        link_id,
        origin=origin,
        outlet="TASS",
        outlet_actor="tass",
        speaker="Russian Defence Ministry",
        speaker_actor="ru-mod",
        when=day(1, 9),
        role="assertion",
        text="Ukrainian forces shelled the plant, the ministry said",
    )
