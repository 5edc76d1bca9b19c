"""Paths shared by tests that are not fixtures."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "claimledger" / "data" / "sample"
