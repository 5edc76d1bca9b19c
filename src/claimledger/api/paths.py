"""Which ingest sources the API accepts.

Files and folders must lie inside ``[ingest] allowed_dirs`` once every
symlink is resolved (an empty list refuses every path); a folder is refused
when a link inside it points outside those folders. URLs must be http(s) and,
unless ``allow_private_addresses``, public (the lead's fetch checks every
redirect again).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from claimledger.config import Config
from claimledger.errors import AccessDenied, Code, ConfigError
from claimledger.ingest.fetch import check_url

MAX_SOURCES = 100


def allowed_roots(config: Config) -> list[Path]:
    """The configured ingest folders, resolved."""
    return [Path(d).expanduser().resolve() for d in config.ingest.allowed_dirs if d.strip()]


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def _check_links(folder: Path, roots: Sequence[Path], item: str) -> None:
    for base, dirs, files in os.walk(folder, followlinks=False):
        for name in [*dirs, *files]:
            entry = Path(base) / name
            if entry.is_symlink() and not _inside(entry.resolve(), roots):
                raise AccessDenied(
                    Code.E503,
                    item,
                    reason=f"a link inside it ({name}) points outside the allowed folders",
                )


def check_path(source: str, *, roots: Sequence[Path]) -> str:
    """Return the resolved path of a file source, or refuse it.

    Raises:
        AccessDenied: E503 when the path lies outside the allowed folders.
    """
    if "\x00" in source:
        raise ConfigError(Code.E402, "sources", reason="NUL byte in path")
    if not roots:
        raise AccessDenied(
            Code.E503,
            source,
            reason="ingesting files through the API is disabled ([ingest] allowed_dirs is empty)",
        )
    resolved = Path(source).expanduser().resolve()
    if not _inside(resolved, roots):
        raise AccessDenied(Code.E503, source, reason="path is outside the allowed ingest folders")
    if resolved.is_dir():
        _check_links(resolved, roots, source)
    return str(resolved)


def check_sources(sources: Sequence[str], *, config: Config) -> list[str]:
    """Validate every source of an API ingest request; returns what to pass to ``ingest``.

    Raises:
        AccessDenied: A path outside the allowed folders.
        IngestError: A refused URL (E111) or an unresolvable host (E107).
        ConfigError: An empty or oversized request (E402).
    """
    if not sources:
        raise ConfigError(Code.E402, "sources", reason="no sources given")
    if len(sources) > MAX_SOURCES:
        raise ConfigError(Code.E402, "sources", reason=f"at most {MAX_SOURCES} sources per request")
    roots = allowed_roots(config)
    out = []
    for src in sources:
        if "://" in src or src.lower().startswith(("http:", "https:", "file:", "data:", "ftp:")):
            check_url(src, allow_private=config.ingest.allow_private_addresses)
            out.append(src)
        else:
            out.append(check_path(src, roots=roots))
    return out
