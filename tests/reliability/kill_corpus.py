"""The small invented corpus of the kill-point campaign: storing, a revision with a
correction, a syndicated copy, a bad line, claims with refutations (statuses change)."""

from __future__ import annotations

import json
from pathlib import Path

URL = "https://harbour-times.example/2025/05/01/units-leave"
STORIES: list[dict[str, str]] = [
    {
        "url": URL,
        "outlet": "Harbour Times",
        "title": "Russia says all units have left the border region",
        "published": "2025-05-01T09:00:00Z",
        "text": (
            "MOSCOW - Russia's defence ministry said on Tuesday that all of its units had left "
            "the border region and returned to their bases.\n\n"
            "Ukraine's foreign ministry said it had seen no evidence of a pull-back.\n\n"
            "Schools in the region reopened on Tuesday after a week of closures."
        ),
    },
    {
        "url": "https://north-wire.example/no-sign",
        "outlet": "North Wire",
        "title": "No sign that units have left the border, alliance says",
        "published": "2025-05-01T12:00:00Z",
        "text": (
            "BRUSSELS - NATO Secretary General Jens Stoltenberg said on Tuesday that there was "
            "no sign that Russian units had left the border region.\n\n"
            "Satellite images showed armoured columns still parked near the border, a private "
            "imaging company said."
        ),
    },
    {
        "url": "https://valley-daily.example/no-sign",
        "outlet": "Valley Daily",
        "title": "No sign that units have left the border, alliance says",
        "published": "2025-05-01T13:00:00Z",
        "text": (
            "BRUSSELS - NATO Secretary General Jens Stoltenberg said on Tuesday that there was "
            "no sign that Russian units had left the border region.\n\n"
            "Satellite images showed armoured columns still parked near the border, a private "
            "imaging company said.\n\nReporting by North Wire."
        ),
    },
    {
        "url": URL,
        "outlet": "Harbour Times",
        "title": "Russia says some units have left the border region",
        "published": "2025-05-01T18:30:00Z",
        "text": (
            "MOSCOW - Ukraine's foreign ministry said it had seen no evidence of a pull-back."
            "\n\nSchools in the region reopened on Tuesday after a week of closures.\n\n"
            "Correction: An earlier version of this article incorrectly said that Russia's "
            "defence ministry reported all of its units had left the border region. The "
            "ministry said only some units had left."
        ),
    },
]


def write_corpus(folder: Path) -> Path:
    """The stories as one JSON Lines file, with one malformed line (an ingest failure)."""
    path = folder / "kill-corpus.jsonl"
    lines = [json.dumps(s) for s in STORIES]
    lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
