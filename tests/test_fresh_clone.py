"""A clone of the repository alone, with no ``../shared`` beside it, as a new contributor has.

The tests that need the research data sets are skipped there with one reason line; with
``CLAIMLEDGER_REQUIRE_DATASETS=1`` (what ``.ci/run`` sets) they fail instead. The clone's own
tests run on the clone's own code, with this venv's interpreter (nothing is installed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests_paths import ROOT  # type: ignore[import-not-found]

# Two tests that need the data sets and ask for them before anything heavy loads: a reader of
# FNC-1 and the benchmark smoke test (whose stance benchmark reads FNC-1).
DATASET_TESTS = (
    "tests/stance/test_stance_data.py::test_split_by_body_is_disjoint_and_deterministic",
    "tests/integration/test_bench_smoke.py",
)
# Variables of this run that must not leak into the clone's runs.
SCRUBBED = ("CLAIMLEDGER_DATASETS", "CLAIMLEDGER_REQUIRE_DATASETS", "PYTEST_ADDOPTS")


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``git clone`` of this repository's HEAD into a folder with no ``shared`` beside it."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: there is no repository to clone")
    target = tmp_path_factory.mktemp("fresh") / "claimledger"
    subprocess.run(
        ["git", "clone", "-q", str(ROOT), str(target)], check=True, capture_output=True, timeout=120
    )
    assert not (target.parent / "shared").exists()
    return target


def _env(clone: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    return {**env, "PYTHONPATH": str(clone / "src"), **extra}


def _pytest(clone: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *DATASET_TESTS],
        cwd=clone,
        env=_env(clone, **extra),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_clone_runs_its_own_code(clone: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-c", "import claimledger; print(claimledger.__file__)"],
        cwd=clone,
        env=_env(clone),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert Path(res.stdout.strip()).resolve().is_relative_to(clone.resolve())


def test_dataset_tests_are_skipped_with_one_reason(clone: Path) -> None:
    res = _pytest(clone)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-3000:]
    assert re.search(r"\b2 skipped\b", out), out[-3000:]
    assert not re.search(r"\b\d+ (failed|errors?)\b", out), out[-3000:]
    skipped = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    # One line for both tests: the same reason, raised in one place.
    assert len(skipped) == 1, skipped
    missing = clone.resolve().parent / "shared" / "datasets"
    assert skipped[0].startswith("SKIPPED [2] ")
    assert f"research data sets not found at {missing}" in skipped[0]
    assert "CLAIMLEDGER_REQUIRE_DATASETS=1" in skipped[0]


def test_dataset_tests_fail_when_the_data_sets_are_required(clone: Path) -> None:
    res = _pytest(clone, CLAIMLEDGER_REQUIRE_DATASETS="1")
    out = res.stdout + res.stderr
    assert res.returncode == 1, out[-3000:]
    assert re.search(r"\b2 (failed|errors?)\b", out), out[-3000:]
    assert not re.search(r"\b\d+ skipped\b", out), out[-3000:]
    assert "research data sets not found" in out and "CLAIMLEDGER_REQUIRE_DATASETS is set" in out


def test_ci_requires_the_data_sets() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "export CLAIMLEDGER_REQUIRE_DATASETS=1" in ci
    assert ci.index("CLAIMLEDGER_REQUIRE_DATASETS") < ci.index("make test")
