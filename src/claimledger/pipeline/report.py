"""What a processing run reports: its progress callback and its counts.

Shared by the pipeline's stage modules (kept apart from them so that none imports
another for these)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[str, int], None]


@dataclass(slots=True)
class ProcessReport:
    articles: int = 0
    statements: int = 0
    claims: int = 0
    links: int = 0
