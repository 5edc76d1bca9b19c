"""The batch driver's own logic: option checks, worker-safe config, link order, Ray import order."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from claimledger.config import Config, load_config
from claimledger.errors import ConfigError
from claimledger.pipeline import batch
from claimledger.pipeline.process import process_pending


def _config(**extract: str) -> Config:
    return load_config(
        environ={},
        user_file=Path("/nonexistent"),
        overrides={"extract": extract} if extract else None,
    )


@pytest.mark.parametrize(
    ("engine", "workers", "address", "item"),
    [
        ("spark", 2, None, "--engine"),
        ("ray", 0, None, "--workers"),
        ("local", 2, "10.0.0.1:6379", "--address"),
    ],
)
def test_bad_options_are_one_coded_error(
    engine: str, workers: int, address: str | None, item: str, ledger: object
) -> None:
    with pytest.raises(ConfigError) as err:
        batch.run_batch(
            [],
            ledger=ledger,
            config=_config(),
            engine=engine,
            address=address,
            workers=workers,
        )
    assert str(err.value).startswith(f"E402 {item}:")


def test_workers_get_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = batch.portable_config(_config(actors_file="sub/actors.yaml"))
    assert cfg.extract.actors_file == str(tmp_path / "sub" / "actors.yaml")
    assert batch.portable_config(_config()).extract.actors_file == ""


def test_link_chunks_are_those_of_the_in_process_pipeline() -> None:
    # Which statement opens a claim depends on link order, and link_analysed orders
    # within a chunk: the batch driver must cut the same chunks as process_pending.
    assert batch.LINK_CHUNK == inspect.signature(process_pending).parameters["batch"].default
    assert batch.WINDOW % batch.LINK_CHUNK == 0


def test_ray_refused_after_usearch_in_the_same_process() -> None:
    # usearch's extension exports its own C++ runtime; Ray loaded after it aborts the
    # process at ray.init. The batch driver must refuse with a coded error instead.
    code = (
        "import usearch.index\n"
        "from claimledger.errors import ConfigError\n"
        "from claimledger.pipeline.ray_stages import import_ray\n"
        "try:\n    import_ray()\nexcept ConfigError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("E402 --engine ray:")


def test_address_joins_the_cluster_with_the_worker_environment() -> None:
    # Joining a cluster must pass the address and ship the offline-model settings
    # and CLAIMLEDGER_* variables to the workers (they do not inherit our environment).
    # ray.init is replaced, so no cluster is needed; a subprocess keeps Ray out of this one.
    code = (
        "import json, os, ray\n"
        "calls = []\n"
        "ray.init = lambda **kw: calls.append(kw)\n"
        "ray.is_initialized = lambda: False\n"
        "os.environ['CLAIMLEDGER_EXTRACT__BATCH_SIZE'] = '8'\n"
        "from claimledger.pipeline.ray_stages import start_ray\n"
        "assert start_ray(address='10.1.2.3:6379', workers=4) is True\n"
        "assert start_ray(address=None, workers=3) is True\n"
        "print(json.dumps(calls))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    import json

    joined, local = json.loads(out.stdout)
    assert joined["address"] == "10.1.2.3:6379" and "num_cpus" not in joined
    env = joined["runtime_env"]["env_vars"]
    assert env["HF_HUB_OFFLINE"] == "1" and env["CLAIMLEDGER_EXTRACT__BATCH_SIZE"] == "8"
    assert local["num_cpus"] == 4 and local["include_dashboard"] is False
