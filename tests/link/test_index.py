"""VectorIndex: persistence, stale detection, removal, search edge cases."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from claimledger.errors import ConfigError
from claimledger.link.index import VectorIndex, key_fingerprint

DIM = 16
ROOT = Path(__file__).resolve().parents[2]


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    out: np.ndarray = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def test_persist_and_reopen_finds_same_neighbours(tmp_path: Path) -> None:
    path = tmp_path / "claims.usearch"
    vecs = _vectors(200)
    keys = np.arange(1000, 1200, dtype=np.int64)
    index = VectorIndex.open(path, DIM)
    index.add(keys, vecs)
    before_keys, before_dist = index.search(vecs[:5], 3)
    index.save()
    assert path.exists() and (tmp_path / "claims.usearch.meta.json").exists()
    # No temporary file is left behind by the atomic write.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "claims.usearch",
        "claims.usearch.meta.json",
    ]

    again = VectorIndex.open(path, DIM)
    assert not again.stale
    assert len(again) == 200
    assert again.matches(keys)
    found, dist = again.search(vecs[:5], 3)
    np.testing.assert_array_equal(found, before_keys)
    np.testing.assert_allclose(dist, before_dist, atol=1e-6)
    assert found[:, 0].tolist() == keys[:5].tolist()  # each vector finds itself first
    assert np.all(dist[:, 0] < 1e-2)


def test_view_mode_is_read_only_and_searchable(tmp_path: Path) -> None:
    path = tmp_path / "claims.usearch"
    vecs = _vectors(50)
    VectorIndex.open(path, DIM).rebuild(np.arange(50), vecs)
    view = VectorIndex.open(path, DIM, view=True)
    assert len(view) == 50
    assert view.search(vecs[7], 1)[0][0, 0] == 7
    with pytest.raises(ConfigError, match="E402"):
        view.add([99], vecs[:1])


def test_missing_file_is_stale_and_rebuild_restores_it(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "claims.usearch"
    index = VectorIndex.open(path, DIM)
    assert index.stale and index.stale_reason == "index file missing"
    assert len(index) == 0
    vecs = _vectors(30)
    index.rebuild(np.arange(30), vecs)
    assert not index.stale and path.exists()
    assert not VectorIndex.open(path, DIM).stale


def test_manifest_out_of_step_with_index_is_detected(tmp_path: Path) -> None:
    # Simulates a crash after the index file was replaced but before the manifest was.
    path = tmp_path / "claims.usearch"
    vecs = _vectors(40)
    index = VectorIndex.open(path, DIM)
    index.rebuild(np.arange(20), vecs[:20])
    old_manifest = (tmp_path / "claims.usearch.meta.json").read_text()
    index.add(np.arange(20, 40), vecs[20:])
    index.save()
    (tmp_path / "claims.usearch.meta.json").write_text(old_manifest)

    reopened = VectorIndex.open(path, DIM)
    assert reopened.stale
    assert "manifest" in (reopened.stale_reason or "")
    reopened.rebuild(np.arange(40), vecs)
    assert VectorIndex.open(path, DIM).matches(np.arange(40))


def test_truncated_or_garbage_file_is_stale_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "claims.usearch"
    VectorIndex.open(path, DIM).rebuild(np.arange(10), _vectors(10))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    assert VectorIndex.open(path, DIM).stale
    path.write_bytes(b"not an index at all")
    assert VectorIndex.open(path, DIM).stale


def test_wrong_dimension_is_stale(tmp_path: Path) -> None:
    path = tmp_path / "claims.usearch"
    VectorIndex.open(path, DIM).rebuild(np.arange(10), _vectors(10))
    assert VectorIndex.open(path, DIM * 2).stale


def test_index_behind_the_store_does_not_match(tmp_path: Path) -> None:
    # The store committed a claim (key 10) but the process died before the index was saved.
    path = tmp_path / "claims.usearch"
    VectorIndex.open(path, DIM).rebuild(np.arange(10), _vectors(10))
    index = VectorIndex.open(path, DIM)
    assert not index.stale
    assert index.matches(np.arange(10))
    assert not index.matches(np.arange(11))
    assert not index.matches(np.r_[np.arange(9), 42])  # same count, other keys


def test_remove_drops_keys_and_updates_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "claims.usearch"
    vecs = _vectors(20)
    index = VectorIndex.open(path, DIM)
    index.rebuild(np.arange(20), vecs)
    assert index.remove([3, 4, 999]) == 2  # unknown keys are ignored
    assert len(index) == 18 and 3 not in index and 5 in index
    found, _ = index.search(vecs[3], 20)
    assert 3 not in found[0].tolist() and 4 not in found[0].tolist()
    index.save()
    again = VectorIndex.open(path, DIM)
    assert again.matches([k for k in range(20) if k not in (3, 4)])


def test_add_existing_key_replaces_vector() -> None:
    vecs = _vectors(3)
    index = VectorIndex.open(None, DIM)
    index.add([1, 2], vecs[:2])
    index.add([1], vecs[2])
    assert len(index) == 2
    assert index.search(vecs[2], 1)[0][0, 0] == 1
    assert index.fingerprint == key_fingerprint([1, 2])


def test_empty_index_search_returns_padding() -> None:
    index = VectorIndex.open(None, DIM)
    keys, dist = index.search(_vectors(3), 5)
    assert keys.shape == (3, 5) and dist.shape == (3, 5)
    assert np.all(keys == -1) and np.all(np.isinf(dist))


def test_search_pads_when_k_exceeds_size_and_is_batched() -> None:
    vecs = _vectors(4)
    index = VectorIndex.open(None, DIM)
    index.add(np.array([10, 11, 12, 13], dtype=np.int64), vecs)
    keys, dist = index.search(vecs, 6)
    assert keys.shape == (4, 6)
    assert keys[:, 0].tolist() == [10, 11, 12, 13]
    assert np.all(keys[:, 4:] == -1) and np.all(np.isinf(dist[:, 4:]))
    assert np.all(np.diff(dist[:, :4], axis=1) >= -1e-6)  # nearest first


@pytest.mark.parametrize(
    ("keys", "vectors", "message"),
    [
        ([1, 1], np.ones((2, DIM)), "duplicate"),
        ([-1], np.ones((1, DIM)), "non-negative"),
        ([1], np.ones((1, DIM + 1)), "shape"),
        ([1, 2], np.ones((1, DIM)), "2 keys but 1 vectors"),
        ([1], np.full((1, DIM), np.nan), "NaN"),
        ([1], np.zeros((1, DIM)), "zero vector"),
    ],
)
def test_bad_input_is_a_coded_error(keys: list[int], vectors: np.ndarray, message: str) -> None:
    index = VectorIndex.open(None, DIM)
    with pytest.raises(ConfigError, match=message) as err:
        index.add(keys, vectors)
    assert str(err.value).startswith("E402 vector index:")
    assert len(index) == 0


def test_key_fingerprint_is_order_independent() -> None:
    assert key_fingerprint([5, 1, 9]) == key_fingerprint(np.array([9, 5, 1]))
    assert key_fingerprint([5, 1, 9]) != key_fingerprint([5, 1, 8])
    assert key_fingerprint([]).count == 0


def test_save_leaves_no_temp_file_and_manifest_counts(tmp_path: Path) -> None:
    path = tmp_path / "claims.usearch"
    index = VectorIndex.open(path, DIM)
    index.rebuild(np.arange(7), _vectors(7))
    manifest = json.loads((tmp_path / "claims.usearch.meta.json").read_text())
    assert manifest["count"] == 7 and manifest["dim"] == DIM
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def _bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_linking", ROOT / "benchmarks" / "bench_linking.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_runs_on_a_tiny_size() -> None:
    result = _bench_module().run(sizes=(1000,), queries=10)
    (row,) = result["sizes"]
    assert row["n"] == 1000
    assert row["link_p95_ms"] >= row["link_p50_ms"] > 0
    assert row["recall_at_10"] > 0.9
    assert row["linked_to_source_claim"] > 0.8
    assert row["file_mb"] > 0


def test_search_depth_can_be_changed_and_is_validated() -> None:
    vecs = _vectors(50)
    index = VectorIndex.open(None, DIM, expansion_search=16)
    index.add(np.arange(50), vecs)
    index.set_expansion_search(200)
    assert index.expansion_search == 200
    assert index.search(vecs[9], 1)[0][0, 0] == 9
    with pytest.raises(ConfigError, match="expansion_search"):
        index.set_expansion_search(0)
