"""Readers for FNC-1-format stance data (``*_bodies.csv`` + ``*_stances*.csv``)."""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimledger.errors import Code, IngestError

FNC_LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED_LABELS: tuple[str, ...] = ("agree", "disagree", "discuss")
DEV_BUCKETS = 5  # one body in five goes to the development split

# Some FNC-1 bodies exceed csv's default 128 kB field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class StancePair:
    """One headline-body pair with its gold FNC label."""

    headline: str
    body_id: str
    body: str
    label: str
    source: str  # dataset tag, e.g. "fnc-1"


def _find(folder: Path, pattern: str) -> Path:
    hits = sorted(folder.glob(pattern))
    if not hits:
        raise IngestError(Code.E202, str(folder), reason=f"no file matching {pattern}")
    return hits[0]


def read_fnc_dir(folder: Path, *, source: str | None = None) -> list[StancePair]:
    """Read a folder holding FNC-format ``*_bodies.csv`` and ``*_stances*.csv``.

    Raises:
        IngestError: E202 naming the file and row when a file is missing or malformed,
            E101 when it cannot be read.
    """
    if not folder.is_dir():
        raise IngestError(Code.E202, str(folder), reason="not a directory")
    bodies_path = _find(folder, "*_bodies.csv")
    stances_path = _find(folder, "*_stances*.csv")
    tag = source or folder.name
    bodies: dict[str, str] = {}
    for _n, row in _rows(bodies_path, ("Body ID", "articleBody")):
        bodies[row["Body ID"].strip()] = row["articleBody"]
    pairs: list[StancePair] = []
    for n, row in _rows(stances_path, ("Headline", "Body ID", "Stance")):
        label = row["Stance"].strip().lower()
        body_id = row["Body ID"].strip()
        if label not in FNC_LABELS:
            raise IngestError(
                Code.E202, f"{stances_path}:{n}", reason=f"row {n}: unknown stance {label!r}"
            )
        if body_id not in bodies:
            raise IngestError(
                Code.E202, f"{stances_path}:{n}", reason=f"row {n}: unknown Body ID {body_id!r}"
            )
        pairs.append(StancePair(row["Headline"], body_id, bodies[body_id], label, tag))
    return pairs


def _rows(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    out: list[tuple[int, dict[str, str]]] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = set(columns) - set(reader.fieldnames or ())
            if missing:
                raise IngestError(
                    Code.E202, str(path), reason=f"missing columns {', '.join(sorted(missing))}"
                )
            for n, row in enumerate(reader, start=2):
                if any(row.get(c) is None for c in columns):
                    raise IngestError(Code.E202, f"{path}:{n}", reason=f"row {n}: missing fields")
                out.append((n, row))
    except csv.Error as exc:
        raise IngestError(Code.E202, str(path), reason=str(exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(Code.E101, str(path), reason=str(exc)) from exc
    return out


def is_dev_body(source: str, body_id: str) -> bool:
    """Return True when a body belongs to the development split (stable hash, ~20%)."""
    digest = hashlib.sha1(f"{source}:{body_id}".encode()).digest()
    return digest[0] % DEV_BUCKETS == 0


def split_by_body(pairs: Sequence[StancePair]) -> tuple[list[StancePair], list[StancePair]]:
    """Split pairs into (train, dev) by body id so no body is in both."""
    train = [p for p in pairs if not is_dev_body(p.source, p.body_id)]
    dev = [p for p in pairs if is_dev_body(p.source, p.body_id)]
    return train, dev


class _order_key:
    """Sort key giving a stable pseudo-random order of pairs (picklable, no lambda)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __call__(self, p: StancePair) -> bytes:
        return hashlib.sha1(f"{self.seed}:{p.source}:{p.body_id}:{p.headline}".encode()).digest()


def dev_subset(pairs: Sequence[StancePair], *, limit: int, seed: int = 0) -> list[StancePair]:
    """Return a deterministic, label-stratified subset of at most ``limit`` pairs."""
    if limit >= len(pairs):
        return list(pairs)
    keyed = sorted(pairs, key=_order_key(seed))
    share = limit / len(pairs)
    out: list[StancePair] = []
    for label in FNC_LABELS:
        group = [p for p in keyed if p.label == label]
        out.extend(group[: max(1, round(share * len(group)))])
    return out[:limit]


def write_fnc_dir(pairs: Sequence[StancePair], folder: Path, *, prefix: str = "dev") -> None:
    """Write pairs as an FNC-format folder (``<prefix>_bodies.csv``, ``<prefix>_stances.csv``)."""
    folder.mkdir(parents=True, exist_ok=True)
    bodies = dict.fromkeys((p.body_id, p.body) for p in pairs)
    with (folder / f"{prefix}_bodies.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows(bodies)
    with (folder / f"{prefix}_stances.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows((p.headline, p.body_id, p.label) for p in pairs)


def main(argv: Sequence[str] | None = None) -> int:
    """Export the development split of an FNC-format folder (for ``claimledger eval stance``).

    Usage: ``python -m claimledger.stance.data --fnc ../shared/datasets/fnc-1 --out .cache/fnc-dev``
    (write it outside the repository or under the gitignored ``.cache/``).
    """
    import argparse

    parser = argparse.ArgumentParser(description="Export the by-body dev split of FNC data.")
    parser.add_argument("--fnc", type=Path, required=True, help="FNC-format folder")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--source", default=None, help="dataset tag (default: folder name)")
    args = parser.parse_args(argv)
    _, dev = split_by_body(read_fnc_dir(args.fnc, source=args.source))
    write_fnc_dir(dev, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
