"""The batch driver's own logic: option checks, worker-safe config, link order, Ray import order,
and the actor table the workers and the driver resolve speakers with."""

from __future__ import annotations

import inspect
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from claimledger.config import Config, load_config
from claimledger.errors import ConfigError
from claimledger.pipeline import batch
from claimledger.pipeline.actor_tables import ledger_actors, run_actor_table
from claimledger.pipeline.analyse import Analysed
from claimledger.pipeline.process import process_pending
from claimledger.pipeline.statements import statements_of
from claimledger.records import Actor, Affiliation, Article, Attribution

SAMPLE_ACTORS = str(
    Path(__file__).resolve().parents[2] / "src" / "claimledger" / "data" / "sample" / "actors.yaml"
)
BARE = "Petra Lind said on Monday that the bridge was shut."
TITLED = "Varnian Deputy Defence Minister Petra Lind said on Monday that the bridge was shut."
VARNIA = Affiliation(parent="varnia", role="deputy defence minister")


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


def _results(*actors: Actor) -> list[Analysed]:
    """One result per actor, as a worker returns an article that named it."""
    return [
        Analysed(article=Article(id=f"a{n}", text="..."), statements=[], actors=[actor])
        for n, actor in enumerate(actors)
    ]


def test_worker_copies_merge_as_one_table_meets_them() -> None:
    # Two workers meet the same speaker, bare on one and titled on the other: the
    # driver's merge must end where one process's table ends after both articles.
    one = run_actor_table(SAMPLE_ACTORS)
    one.resolve_or_create("Petra Lind", context=BARE)
    expected = one.resolve_or_create("Petra Lind", context=TITLED)
    assert expected.affiliations == (VARNIA,)

    bare = run_actor_table(SAMPLE_ACTORS).resolve_or_create("Petra Lind", context=BARE)
    titled = run_actor_table(SAMPLE_ACTORS).resolve_or_create("Petra Lind", context=TITLED)
    for order in ((bare, titled), (titled, bare)):
        driver = run_actor_table(SAMPLE_ACTORS)
        chunk = _results(*order)
        batch.merge_worker_actors(chunk, driver)
        assert driver.get(expected.id) == expected
        # Every result carries the merged actor: the store keeps it whichever is linked last.
        assert [an.actors for an in chunk] == [[expected], [expected]]


def test_a_speaker_met_bare_first_learns_the_side_its_later_title_reveals() -> None:
    # A Ray worker reads articles in its own order: the bare mention may come first, and
    # then extraction already resolves the titled name to the created actor.
    table = run_actor_table(SAMPLE_ACTORS)

    def statement(text: str, n: int) -> Any:
        start = text.index("Petra Lind")
        end = start + len("Petra Lind")
        found = table.resolve("Petra Lind")
        attr = Attribution(
            content=(text.index("that") + 5, len(text) - 1),
            kind="indirect",
            source=(start, end),
            speaker="Petra Lind",
            actor_id=found.id if found else None,
        )
        article = Article(id=f"a{n}", text=text, published=datetime(2025, 3, n, tzinfo=UTC))
        return statements_of(article, [attr], actors=table)[0]

    first = statement(BARE, 1)
    assert table.get(first.actor_id).affiliations == ()
    second = statement(TITLED, 2)
    assert second.actor_id == first.actor_id
    assert table.get(first.actor_id).affiliations == (VARNIA,)


def test_a_workers_blank_copy_never_overwrites_a_stored_actor(ledger: Any) -> None:
    # An earlier run stored the titled speaker; a worker that met her bare sends a copy
    # without affiliation. The driver's table (the one ingest uses) keeps her side.
    stored = run_actor_table(SAMPLE_ACTORS).resolve_or_create("Petra Lind", context=TITLED)
    ledger.upsert_actors([stored])
    config = _config(actors_file=SAMPLE_ACTORS)
    table = ledger_actors(ledger, config)
    # The worker's table is built by the same function from the stored actors ...
    worker = run_actor_table(SAMPLE_ACTORS, ledger.actors())
    assert worker.resolve_or_create("Petra Lind", context=BARE) == stored
    assert table.get(stored.id) == stored
    # ... and a copy from a worker that did not have them is merged, not taken.
    blank = run_actor_table(SAMPLE_ACTORS).resolve_or_create("Petra Lind", context=BARE)
    assert blank.affiliations == ()
    chunk = _results(blank)
    batch.merge_worker_actors(chunk, table)
    assert chunk[0].actors == [stored]


def test_table_actors_are_never_changed_by_a_worker() -> None:
    driver = run_actor_table(SAMPLE_ACTORS)
    holtz = driver.get("marek-holtz")
    assert holtz is not None
    other = Actor(id="marek-holtz", name="Marek Holtz", type="person", affiliations=(VARNIA,))
    chunk = _results(other)
    batch.merge_worker_actors(chunk, driver)
    assert driver.get("marek-holtz") == holtz
    assert chunk[0].actors == [holtz]
