"""The review actions an analyst can take, as validated records.

Each action is one pydantic model with a literal ``action`` name; :data:`Action` is
their union, discriminated by that name. The CLI, the API and the dashboard forms all
build one of these and hand it to :func:`claimledger.review.apply.review`; the stored
review event keeps it as its payload.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from claimledger.errors import Code, ConfigError

IdStr = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
ActorId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_./:~-]{1,120}$")]
StanceName = Literal["supports", "refutes", "questions", "discusses", "unrelated"]
StatusName = Literal["unverified", "corroborated", "contested", "refuted", "retracted"]


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConfirmLink(_Action):
    """The link is right: it counts even below the suggestion or confidence bar."""

    action: Literal["confirm_link"] = "confirm_link"
    link: IdStr


class RejectLink(_Action):
    """The link is wrong: it never counts, and the machine does not bring it back."""

    action: Literal["reject_link"] = "reject_link"
    link: IdStr


class SetStance(_Action):
    """The link's stance is wrong: the analyst's stance replaces the model's (and confirms it)."""

    action: Literal["set_stance"] = "set_stance"
    link: IdStr
    stance: StanceName


class MoveStatement(_Action):
    """The statement belongs to another claim: its link moves there."""

    action: Literal["move_statement"] = "move_statement"
    statement: IdStr
    from_claim: IdStr
    to_claim: IdStr


class MergeClaims(_Action):
    """``claim`` is a duplicate of ``into``: its evidence counts for ``into`` from now on."""

    action: Literal["merge_claims"] = "merge_claims"
    claim: IdStr
    into: IdStr


class SplitClaim(_Action):
    """Some statements of ``claim`` make another claim: they move to a new claim."""

    action: Literal["split_claim"] = "split_claim"
    claim: IdStr
    statements: list[IdStr] = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1, max_length=5000)


class NotAClaim(_Action):
    """The statement is no claim: none of its links counts."""

    action: Literal["not_a_claim"] = "not_a_claim"
    statement: IdStr


class SetClaimant(_Action):
    """Who made the claim."""

    action: Literal["set_claimant"] = "set_claimant"
    claim: IdStr
    name: str = Field(min_length=1, max_length=300)
    actor: ActorId | None = None


class SetParties(_Action):
    """The actors the claim is about besides the claimant (replaces the computed ones)."""

    action: Literal["set_parties"] = "set_parties"
    claim: IdStr
    parties: list[ActorId] = Field(max_length=50)


class AddActor(_Action):
    """A new actor (or a name, type and aliases for an existing one)."""

    action: Literal["add_actor"] = "add_actor"
    actor: ActorId
    name: str = Field(min_length=1, max_length=300)
    type: Literal["person", "organisation", "state", "media"]
    aliases: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=50
    )


class AddAffiliation(_Action):
    """``actor`` belongs to ``parent`` (in ``role``) from ``start`` to ``end``."""

    action: Literal["add_affiliation"] = "add_affiliation"
    actor: ActorId
    parent: ActorId
    role: str = Field(default="member", min_length=1, max_length=60)
    start: date | None = None
    end: date | None = None


class AddEvidence(_Action):
    """Evidence found by hand: a URL or a note, with its source and date."""

    action: Literal["add_evidence"] = "add_evidence"
    claim: IdStr
    source: str = Field(min_length=1, max_length=300)
    date: date
    stance: StanceName
    url: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=5000)


class OverrideStatus(_Action):
    """The analyst's status, shown as an override; the computed status is kept beside it."""

    action: Literal["override_status"] = "override_status"
    claim: IdStr
    status: StatusName


class ClearOverride(_Action):
    """Back to the computed status."""

    action: Literal["clear_override"] = "clear_override"
    claim: IdStr


Action = Annotated[
    ConfirmLink
    | RejectLink
    | SetStance
    | MoveStatement
    | MergeClaims
    | SplitClaim
    | NotAClaim
    | SetClaimant
    | SetParties
    | AddActor
    | AddAffiliation
    | AddEvidence
    | OverrideStatus
    | ClearOverride,
    Field(discriminator="action"),
]
ACTION_NAMES: tuple[str, ...] = (
    "confirm_link",
    "reject_link",
    "set_stance",
    "move_statement",
    "merge_claims",
    "split_claim",
    "not_a_claim",
    "set_claimant",
    "set_parties",
    "add_actor",
    "add_affiliation",
    "add_evidence",
    "override_status",
    "clear_override",
)
_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)


def parse_action(data: dict[str, object]) -> Action:
    """Validate a review action from plain values (a form, a JSON body, a stored payload).

    Raises:
        ConfigError: E402 naming the first invalid field.
    """
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "action"
        raise ConfigError(Code.E402, f"review {where}", reason=first["msg"]) from None


def action_claim(action: Action) -> str | None:
    """The claim an action is filed under (None for actor actions and statement-only ones)."""
    for name in ("claim", "to_claim"):
        value = getattr(action, name, None)
        if isinstance(value, str):
            return value
    return None
