"""The order ``claimledger --help`` lists the commands in: the order a newcomer uses them."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

# Set up, fill, read, look closer, watch, serve, share; then the rest. A command missing here
# (a new one) is listed after these, in the order it was defined.
COMMAND_ORDER = (
    "init",
    "ingest",
    "claims",
    "explain",
    "articles",
    "show",
    "track",
    "serve",
    "export",
    "next-steps",
    "watch",
    "recompute",
    "extract",
    "stance",
    "batch",
    "eval",
    "bench",
)


def _rank(name: str) -> int:
    return COMMAND_ORDER.index(name) if name in COMMAND_ORDER else len(COMMAND_ORDER)


class NewcomerOrder(TyperGroup):
    """A command group that lists its commands in :data:`COMMAND_ORDER`."""

    def list_commands(self, ctx: Any) -> list[str]:  # typer's own (vendored) click Context
        # sorted() is stable: unlisted commands keep the order they were defined in.
        return sorted(super().list_commands(ctx), key=_rank)
