"""``claimledger review ...``: the analysts' review actions, the queue, the audit log and
the analysts themselves. Thin: each command builds an action or calls one function of
``claimledger.review``.

Who acts: ``--as NAME`` (or ``$CLAIMLEDGER_ANALYST``) names an analyst, whose role
applies; without it the local operator acts as ``cli:<user>`` with the admin role
(whoever can open the store from the command line can write to it anyway).
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from claimledger.errors import AccessDenied, Code, ConfigError

logger = logging.getLogger(__name__)

review_app = typer.Typer(
    help="Review the ledger by hand: confirm, reject, correct, merge, override; analysts and audit.",
    no_args_is_help=True,
)
analyst_app = typer.Typer(
    help="Named analysts with their own tokens and roles.", no_args_is_help=True
)
review_app.add_typer(analyst_app, name="analyst")

Reason = Annotated[
    str, typer.Option("--reason", "-r", help="Why (required; kept in the audit log).")
]
As = Annotated[
    str | None,
    typer.Option(
        "--as", help="Act as this analyst (default: $CLAIMLEDGER_ANALYST, else the local operator)."
    ),
]


def _root(ctx: typer.Context) -> Any:
    from claimledger.cli import _state

    return _state(ctx)


def _who(ctx: typer.Context, name: str | None) -> Any:
    from claimledger.review.analysts import Analyst, get_analyst

    name = name or os.environ.get("CLAIMLEDGER_ANALYST") or None
    if name is None:
        return Analyst(f"cli:{getpass.getuser()}", "admin")
    found = get_analyst(_root(ctx).ledger, name)
    if found is None:
        raise AccessDenied(Code.E503, f"analyst {name}", reason="no such active analyst")
    return found


def _act(ctx: typer.Context, data: dict[str, Any], reason: str, who: str | None) -> None:
    from claimledger.review.actions import parse_action
    from claimledger.review.apply import review
    from claimledger.review.views import event_json

    state = _root(ctx)
    action = parse_action(data)
    event = review(
        action,
        ledger=state.ledger,
        config=state.config,
        analyst=_who(ctx, who),
        reason=reason,
        via="cli",
    )
    print(json.dumps(event_json(event), sort_keys=True))


@review_app.command("confirm")
def confirm(
    ctx: typer.Context,
    link: Annotated[str, typer.Argument(help="Link id.")],
    reason: Reason,
    who: As = None,
) -> None:
    """Confirm a link (a suggestion then counts)."""
    _act(ctx, {"action": "confirm_link", "link": link}, reason, who)


@review_app.command("reject")
def reject(
    ctx: typer.Context,
    link: Annotated[str, typer.Argument(help="Link id.")],
    reason: Reason,
    who: As = None,
) -> None:
    """Reject a wrong link: it never counts again, whatever the machine links later."""
    _act(ctx, {"action": "reject_link", "link": link}, reason, who)


@review_app.command("stance")
def stance(
    ctx: typer.Context,
    link: Annotated[str, typer.Argument(help="Link id.")],
    new: Annotated[str, typer.Argument(help="supports|refutes|questions|discusses|unrelated")],
    reason: Reason,
    who: As = None,
) -> None:
    """Change a link's stance (the analyst's stance replaces the model's)."""
    _act(ctx, {"action": "set_stance", "link": link, "stance": new}, reason, who)


@review_app.command("move")
def move(
    ctx: typer.Context,
    statement: Annotated[str, typer.Argument(help="Statement id.")],
    from_claim: Annotated[str, typer.Option("--from", help="The claim it is linked to now.")],
    to_claim: Annotated[str, typer.Option("--to", help="The claim it belongs to.")],
    reason: Reason,
    who: As = None,
) -> None:
    """Move a statement to another claim."""
    data = {
        "action": "move_statement",
        "statement": statement,
        "from_claim": from_claim,
        "to_claim": to_claim,
    }
    _act(ctx, data, reason, who)


@review_app.command("merge")
def merge(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="The duplicate claim.")],
    into: Annotated[str, typer.Option("--into", help="The claim it duplicates.")],
    reason: Reason,
    who: As = None,
) -> None:
    """Merge a duplicate claim into another: its evidence counts there from now on."""
    _act(ctx, {"action": "merge_claims", "claim": claim, "into": into}, reason, who)


@review_app.command("split")
def split(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="The claim to split.")],
    statements: Annotated[
        list[str], typer.Option("--statement", help="A statement of the new claim (repeat).")
    ],
    text: Annotated[str, typer.Option("--text", help="What the new claim says.")],
    reason: Reason,
    who: As = None,
) -> None:
    """Split statements off a claim into a new claim."""
    data = {"action": "split_claim", "claim": claim, "statements": statements, "text": text}
    _act(ctx, data, reason, who)


@review_app.command("not-a-claim")
def not_a_claim(
    ctx: typer.Context,
    statement: Annotated[str, typer.Argument(help="Statement id.")],
    reason: Reason,
    who: As = None,
) -> None:
    """Mark a statement as no claim: none of its links counts."""
    _act(ctx, {"action": "not_a_claim", "statement": statement}, reason, who)


@review_app.command("claimant")
def claimant(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    name: Annotated[str, typer.Argument(help="Who made the claim.")],
    reason: Reason,
    actor: Annotated[str | None, typer.Option("--actor", help="The claimant's actor id.")] = None,
    who: As = None,
) -> None:
    """Set or change a claim's claimant."""
    _act(ctx, {"action": "set_claimant", "claim": claim, "name": name, "actor": actor}, reason, who)


@review_app.command("parties")
def parties(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    actors: Annotated[
        list[str], typer.Argument(help="Actor ids the claim is about (none: no parties).")
    ],
    reason: Reason,
    who: As = None,
) -> None:
    """Set the parties a claim is about (their side never counts as independent)."""
    _act(ctx, {"action": "set_parties", "claim": claim, "parties": actors}, reason, who)


@review_app.command("actor")
def actor(
    ctx: typer.Context,
    actor_id: Annotated[str, typer.Argument(help="Actor id, e.g. varnia/defence-ministry.")],
    name: Annotated[str, typer.Argument(help="Its name.")],
    kind: Annotated[str, typer.Option("--type", help="person|organisation|state|media")],
    reason: Reason,
    aliases: Annotated[
        list[str] | None, typer.Option("--alias", help="Another name (repeat).")
    ] = None,
    who: As = None,
) -> None:
    """Add an actor (or rename one and add aliases)."""
    data = {
        "action": "add_actor",
        "actor": actor_id,
        "name": name,
        "type": kind,
        "aliases": aliases or [],
    }
    _act(ctx, data, reason, who)


@review_app.command("affiliation")
def affiliation(
    ctx: typer.Context,
    actor_id: Annotated[str, typer.Argument(help="The actor.")],
    parent: Annotated[str, typer.Argument(help="What it belongs to.")],
    reason: Reason,
    role: Annotated[str, typer.Option("--role", help="member, spokesperson, owner ...")] = "member",
    start: Annotated[str | None, typer.Option("--start", help="From (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Until (YYYY-MM-DD).")] = None,
    who: As = None,
) -> None:
    """Add an affiliation of an actor, with its dates."""
    data = {
        "action": "add_affiliation",
        "actor": actor_id,
        "parent": parent,
        "role": role,
        "start": start,
        "end": end,
    }
    _act(ctx, data, reason, who)


@review_app.command("evidence")
def evidence(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    source: Annotated[str, typer.Option("--source", help="Who published it.")],
    when: Annotated[str, typer.Option("--date", help="When (YYYY-MM-DD).")],
    stance_: Annotated[str, typer.Option("--stance", help="supports|refutes|questions|discusses")],
    reason: Reason,
    url: Annotated[str | None, typer.Option("--url", help="Where it can be read.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What it says.")] = None,
    who: As = None,
) -> None:
    """Add evidence by hand: a URL or a note, with its source and date."""
    data = {
        "action": "add_evidence",
        "claim": claim,
        "source": source,
        "date": when,
        "stance": stance_,
        "url": url,
        "note": note,
    }
    _act(ctx, data, reason, who)


@review_app.command("override")
def override(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    status: Annotated[
        str, typer.Argument(help="unverified|corroborated|contested|refuted|retracted")
    ],
    reason: Reason,
    who: As = None,
) -> None:
    """Override a claim's status (shown as an override, the computed status beside it)."""
    _act(ctx, {"action": "override_status", "claim": claim, "status": status}, reason, who)


@review_app.command("clear-override")
def clear_override(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim id.")],
    reason: Reason,
    who: As = None,
) -> None:
    """Clear a status override: back to the computed status."""
    _act(ctx, {"action": "clear_override", "claim": claim}, reason, who)


@review_app.command("log")
def log(
    ctx: typer.Context,
    claim: Annotated[str | None, typer.Argument(help="Only this claim's events.")] = None,
) -> None:
    """The analysts' review events (JSON lines), oldest first."""
    from claimledger.review.store import review_events
    from claimledger.review.views import event_json

    state = _root(ctx)
    cid = state.ledger.get_claim(claim).id if claim else None
    for event in review_events(state.ledger, claim_id=cid):
        print(json.dumps(event_json(event), sort_keys=True))


@review_app.command("queue")
def queue(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="How many items.")] = 50,
) -> None:
    """Suggestions and conflicts that would change a status if confirmed, most consequential first."""
    from claimledger.review.queue import review_queue

    state = _root(ctx)
    for item in review_queue(state.ledger, config=state.config)[:limit]:
        print(json.dumps(item, sort_keys=True))


@review_app.command("audit")
def audit(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Export the audit log (every write and its author), oldest first."""
    from claimledger.review.store import export_audit

    if fmt not in ("jsonl", "csv"):
        raise ConfigError(Code.E402, "--format", reason="use jsonl or csv")
    text = export_audit(_root(ctx).ledger, fmt)
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, encoding="utf-8")


@review_app.command("suggestions")
def suggestions(
    ctx: typer.Context,
    value: Annotated[str | None, typer.Argument(help="on or off (none: show).")] = None,
    who: As = None,
) -> None:
    """Show or set whether low-confidence links are suggestions in this ledger."""
    from claimledger.pipeline.verdict_queries import policy_of
    from claimledger.review.analysts import require_role
    from claimledger.review.apply import suggestion_policy
    from claimledger.review.store import set_setting

    state = _root(ctx)
    if value is not None:
        if value not in ("on", "off"):
            raise ConfigError(Code.E402, "suggestions", reason="use on or off")
        analyst = _who(ctx, who)
        require_role(analyst, "admin")
        set_setting(state.ledger, "suggestions", value, analyst=analyst, via="cli")
        from claimledger.pipeline.verdict_queries import recompute_all

        recompute_all(ledger=state.ledger, config=state.config)
    on, below = suggestion_policy(state.ledger, policy_of(state.config))
    print(json.dumps({"suggestions": "on" if on else "off", "suggest_below": below}))


@analyst_app.command("add")
def analyst_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The analyst's name.")],
    role: Annotated[str, typer.Option("--role", help="reader, reviewer or admin.")] = "reviewer",
) -> None:
    """Create an analyst and print its token (shown once; only its hash is kept)."""
    from claimledger.review.analysts import add_analyst

    found, token = add_analyst(_root(ctx).ledger, name, role, created_by=f"cli:{getpass.getuser()}")
    print(json.dumps({"name": found.name, "role": found.role, "token": token}))


@analyst_app.command("list")
def analyst_list(ctx: typer.Context) -> None:
    """Every analyst with its role (never a token)."""
    from claimledger.review.analysts import analysts

    for row in analysts(_root(ctx).ledger):
        print(json.dumps(row, sort_keys=True))


@analyst_app.command("set")
def analyst_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The analyst's name.")],
    role: Annotated[str | None, typer.Option("--role", help="reader, reviewer or admin.")] = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Switch the analyst on or off.")
    ] = None,
    new_token: Annotated[
        bool, typer.Option("--new-token", help="Issue a new token (printed once).")
    ] = False,
) -> None:
    """Change an analyst's role, switch it off or on, or renew its token."""
    from claimledger.review.analysts import set_analyst

    token = set_analyst(
        _root(ctx).ledger,
        name,
        by=f"cli:{getpass.getuser()}",
        role=role,
        active=active,
        new_token=new_token,
    )
    print(json.dumps({"name": name, "token": token} if token else {"name": name}))


# Commands of ``claimledger`` that write to the ledger (the review commands record themselves).
WRITE_COMMANDS = frozenset({"init", "ingest", "watch", "track", "recompute", "batch"})


def audit_cli(ctx: typer.Context) -> None:
    """Record a write command that succeeded, with its author, in the audit log.

    Registered by the root callback to run when the command's context closes; a command
    that failed, or never opened the ledger, records nothing.
    """
    from claimledger.errors import StoreError
    from claimledger.review.analysts import Analyst
    from claimledger.review.store import record_write

    name = ctx.invoked_subcommand
    if sys.exc_info()[0] is not None or name not in WRITE_COMMANDS:
        return
    ledger = getattr(ctx.obj, "_ledger", None)
    if ledger is None:
        return
    who = os.environ.get("CLAIMLEDGER_ANALYST") or f"cli:{getpass.getuser()}"
    try:
        record_write(
            ledger,
            analyst=Analyst(who, "admin"),
            via="cli",
            action=f"cli {name}",
            target=None,
            detail={"command": name},  # not its arguments: a --db URL may hold a password
        )
    except StoreError as exc:
        logger.warning("audit row not written for %s: %s", name, exc)
