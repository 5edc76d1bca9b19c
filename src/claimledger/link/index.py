"""A persistent approximate-nearest-neighbour index of claim vectors.

The index is a *cache*: the store keeps every claim vector as the source of
truth, and the index can always be rebuilt from it (``VectorIndex.rebuild``).
It wraps a usearch HNSW graph with cosine distance and integer keys (the claim's
row key in the store), persisted as one file plus a small JSON manifest::

    claims.usearch            # the usearch graph and vectors
    claims.usearch.meta.json  # dim, dtype, number of keys and an order-free key checksum

Writes go to a temporary name and are moved into place with ``os.replace``, the
index first and the manifest second. A crash between the two leaves a manifest
that does not describe the index; ``open`` detects this (key count or checksum
differ) and marks the index ``stale`` so that the caller rebuilds it. The caller
can also compare the index with the store's own keys (``matches``), which
catches an index that is behind the store (a crash after the store committed
but before the index was saved).

Typical use by the store or pipeline::

    index = VectorIndex.open(path, dim=384)
    if index.stale or not index.matches(store_keys):
        index.rebuild(store_keys, store_vectors)
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from usearch.index import BatchMatches, Index

from claimledger.errors import Code, ConfigError, StoreError

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
DEFAULT_CONNECTIVITY = 16  # HNSW "M": graph edges per node
DEFAULT_EXPANSION_ADD = 64  # HNSW "efConstruction"
DEFAULT_EXPANSION_SEARCH = 256  # HNSW "ef"; 64 lost recall at 1M (docs/linking.md)
Dtype = Literal["f32", "f16"]
# Half precision halves memory (1M x 384 dims: 0.77 GB instead of 1.5 GB), builds
# faster here, and moves cosine similarities by ~1e-3 at most.
DEFAULT_DTYPE: Dtype = "f16"

FloatArray = npt.NDArray[np.float32]
KeyArray = npt.NDArray[np.int64]

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True, slots=True)
class KeyFingerprint:
    """Number of keys and an order-independent checksum of them."""

    count: int
    checksum: int


def key_fingerprint(keys: npt.ArrayLike) -> KeyFingerprint:
    """Return the fingerprint of a set of distinct integer keys.

    The checksum is the sum (mod 2**64) of a SplitMix64 hash of each key, so it
    does not depend on order and can be compared with the store's key column.

    Args:
        keys: Distinct non-negative integer keys.
    """
    arr = np.asarray(keys, dtype=np.int64).reshape(-1)
    if arr.size == 0:
        return KeyFingerprint(0, 0)
    z = arr.astype(np.uint64)
    # SplitMix64 finaliser; numpy array arithmetic wraps around silently.
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    checksum = int(np.sum(z, dtype=np.uint64) & _MASK64)
    return KeyFingerprint(int(arr.size), checksum)


def _bad_input(reason: str) -> ConfigError:
    return ConfigError(Code.E402, "vector index", reason=reason)


class VectorIndex:
    """Cosine ANN index over float vectors with ``int64`` keys, saved to one file.

    Use ``VectorIndex.open`` rather than the constructor.
    """

    def __init__(
        self,
        path: Path | None,
        dim: int,
        *,
        dtype: Dtype = DEFAULT_DTYPE,
        connectivity: int = DEFAULT_CONNECTIVITY,
        expansion_add: int = DEFAULT_EXPANSION_ADD,
        expansion_search: int = DEFAULT_EXPANSION_SEARCH,
        threads: int = 0,
        view: bool = False,
    ) -> None:
        if dim <= 0:
            raise _bad_input(f"dimension must be positive, got {dim}")
        if dtype not in ("f32", "f16"):
            raise _bad_input(f"dtype must be 'f32' or 'f16', got {dtype!r}")
        self.path = path
        self.dim = dim
        self.dtype: Dtype = dtype
        self.connectivity = connectivity
        self.expansion_add = expansion_add
        self.expansion_search = expansion_search
        self.threads = threads
        self.view = view
        self.stale = False
        self.stale_reason: str | None = None
        self._dirty = False
        self._count = 0
        self._checksum = 0
        self._index = self._new_index()

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        path: Path | None,
        dim: int,
        *,
        dtype: Dtype = DEFAULT_DTYPE,
        connectivity: int = DEFAULT_CONNECTIVITY,
        expansion_add: int = DEFAULT_EXPANSION_ADD,
        expansion_search: int = DEFAULT_EXPANSION_SEARCH,
        threads: int = 0,
        view: bool = False,
    ) -> VectorIndex:
        """Open the index saved at ``path``, or an empty one.

        Never raises on a missing, truncated or inconsistent file: the index then
        starts empty with ``stale`` set (and ``stale_reason`` saying why), and the
        caller rebuilds it from the store's vectors.

        Args:
            path: Index file; ``None`` for an in-memory index (e.g. a per-run
                index rebuilt from PostgreSQL).
            dim: Vector dimension (384 for MiniLM).
            dtype: Storage precision of the vectors in the index.
            connectivity: HNSW edges per node (fixed once built).
            expansion_add: HNSW search depth while inserting.
            expansion_search: HNSW search depth while querying.
            threads: Worker threads for batched add/search; 0 uses all cores.
            view: Memory-map the file read-only instead of loading it.
        """
        self = cls(
            path,
            dim,
            dtype=dtype,
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=expansion_search,
            threads=threads,
            view=view,
        )
        if path is not None:
            self._load()
        return self

    @property
    def manifest_path(self) -> Path | None:
        """Path of the JSON manifest written next to the index file."""
        return None if self.path is None else self.path.with_name(self.path.name + ".meta.json")

    def _new_index(self) -> Index:
        return Index(
            ndim=self.dim,
            metric="cos",
            dtype=self.dtype,
            connectivity=self.connectivity,
            expansion_add=self.expansion_add,
            expansion_search=self.expansion_search,
        )

    def _mark_stale(self, reason: str, *, level: int = logging.WARNING) -> None:
        logger.log(level, "vector index %s is stale (%s); it must be rebuilt", self.path, reason)
        self.stale = True
        self.stale_reason = reason
        self._index = self._new_index()
        self._count, self._checksum = 0, 0

    def _load(self) -> None:
        path, manifest_path = self.path, self.manifest_path
        if path is None or manifest_path is None:
            return
        if not path.exists():
            self._mark_stale("index file missing", level=logging.INFO)
            return
        try:
            manifest: dict[str, Any] = json.loads(manifest_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            self._mark_stale(f"manifest unreadable: {exc}")
            return
        if manifest.get("format") != FORMAT_VERSION or manifest.get("dim") != self.dim:
            self._mark_stale("manifest format or dimension differs")
            return
        if manifest.get("dtype") != self.dtype:
            self._mark_stale(f"stored dtype {manifest.get('dtype')} differs from {self.dtype}")
            return
        try:
            meta = Index.metadata(os.fspath(path))
            if not meta or meta.get("dimensions") != self.dim:
                self._mark_stale("index header unreadable or of another dimension")
                return
            if self.view:
                self._index.view(os.fspath(path))
            else:
                self._index.load(os.fspath(path))
        except (RuntimeError, ValueError, OSError) as exc:
            self._mark_stale(f"index file unreadable: {exc}")
            return
        fp = key_fingerprint(self.keys())
        if fp.count != manifest.get("count") or str(fp.checksum) != manifest.get("checksum"):
            self._mark_stale("keys in the index differ from its manifest")
            return
        self._count, self._checksum = fp.count, fp.checksum
        logger.debug("opened vector index %s with %d keys", self.path, fp.count)

    # --------------------------------------------------------------- inspection
    def __len__(self) -> int:
        return int(len(self._index))

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, int | np.integer) or int(key) < 0:
            return False
        return bool(self._index.contains(int(key)))

    def keys(self) -> KeyArray:
        """Return all keys in the index (unordered)."""
        n = len(self._index)
        if n == 0:
            return np.empty(0, dtype=np.int64)
        return np.asarray(self._index.keys[0:n], dtype=np.int64)

    @property
    def fingerprint(self) -> KeyFingerprint:
        """Fingerprint of the keys currently in the index."""
        return KeyFingerprint(self._count, self._checksum)

    def matches(self, keys: npt.ArrayLike) -> bool:
        """Whether the index holds exactly ``keys`` (e.g. the store's claim keys)."""
        return (not self.stale) and key_fingerprint(keys) == self.fingerprint

    # ------------------------------------------------------------------ updates
    def _check_writable(self) -> None:
        if self.view:
            raise _bad_input("index was opened read-only (view=True)")

    def _as_vectors(self, vectors: npt.ArrayLike, n: int | None = None) -> FloatArray:
        arr = np.asarray(vectors, dtype=np.float32)
        if arr.ndim == 1:
            arr = arr.reshape(1, -1)
        if arr.ndim != 2 or arr.shape[1] != self.dim:
            raise _bad_input(f"vectors must have shape (n, {self.dim}), got {np.shape(vectors)}")
        if n is not None and arr.shape[0] != n:
            raise _bad_input(f"{n} keys but {arr.shape[0]} vectors")
        if not np.all(np.isfinite(arr)):
            raise _bad_input("vectors contain NaN or infinity")
        if arr.shape[0] and np.any(np.einsum("ij,ij->i", arr, arr) == 0.0):
            raise _bad_input("zero vector has no direction for cosine distance")
        return np.ascontiguousarray(arr)

    @staticmethod
    def _as_keys(keys: npt.ArrayLike) -> KeyArray:
        arr = np.asarray(keys)
        if arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
            raise _bad_input("keys must be a 1-D array of integers")
        arr = arr.astype(np.int64, copy=False)
        if arr.size and int(arr.min()) < 0:
            raise _bad_input("keys must be non-negative")
        if np.unique(arr).size != arr.size:
            raise _bad_input("duplicate keys in one call")
        return arr

    def add(self, keys: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        """Insert or replace vectors under ``keys`` (an upsert).

        Args:
            keys: Distinct non-negative ``int64`` keys, shape ``(n,)``.
            vectors: Float vectors, shape ``(n, dim)``; cosine ignores their norm.
        """
        self._check_writable()
        karr = self._as_keys(keys)
        varr = self._as_vectors(vectors, karr.size)
        if karr.size == 0:
            return
        present = np.asarray(self._index.contains(karr.astype(np.uint64)), dtype=bool)
        if present.any():
            self.remove(karr[present])
        self._index.add(karr.astype(np.uint64), varr, threads=self.threads)
        fp = key_fingerprint(karr)
        self._count += fp.count
        self._checksum = (self._checksum + fp.checksum) & 0xFFFFFFFFFFFFFFFF
        self._dirty = True

    def remove(self, keys: npt.ArrayLike) -> int:
        """Remove ``keys``; keys not in the index are ignored. Returns how many were removed."""
        self._check_writable()
        karr = self._as_keys(keys)
        if karr.size == 0:
            return 0
        present = np.asarray(self._index.contains(karr.astype(np.uint64)), dtype=bool)
        gone = karr[present]
        if gone.size == 0:
            return 0
        self._index.remove(gone.astype(np.uint64))
        fp = key_fingerprint(gone)
        self._count -= fp.count
        self._checksum = (self._checksum - fp.checksum) & 0xFFFFFFFFFFFFFFFF
        self._dirty = True
        return int(gone.size)

    def rebuild(self, keys: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        """Replace the whole index with ``keys``/``vectors`` and save it.

        Use when the file is missing or stale; the store's vectors are the truth.
        An index opened with ``view=True`` becomes an in-memory, writable index and
        is not saved here (its file may be shared with other readers); call
        ``save()`` to write it.
        """
        if self.view:
            self.view = False
            rebuilt_view = True
        else:
            rebuilt_view = False
        karr = self._as_keys(keys)
        varr = self._as_vectors(vectors, karr.size)
        self._index = self._new_index()
        self._count, self._checksum = 0, 0
        if karr.size:
            self._index.add(karr.astype(np.uint64), varr, threads=self.threads)
            fp = key_fingerprint(karr)
            self._count, self._checksum = fp.count, fp.checksum
        self.stale = False
        self.stale_reason = None
        self._dirty = True
        logger.info("rebuilt vector index %s with %d keys", self.path, karr.size)
        if not rebuilt_view:
            self.save()

    # ------------------------------------------------------------------- search
    def search(self, vectors: npt.ArrayLike, k: int) -> tuple[KeyArray, FloatArray]:
        """Find the ``k`` nearest keys of each query vector.

        Args:
            vectors: Queries, shape ``(n, dim)`` or ``(dim,)``.
            k: Neighbours per query (must be >= 1).

        Returns:
            ``(keys, distances)``, both of shape ``(n, k)``, nearest first.
            Distances are cosine distances (``1 - cosine similarity``). Slots
            beyond the number of indexed vectors hold key ``-1`` and distance ``inf``.
        """
        if k < 1:
            raise _bad_input(f"k must be at least 1, got {k}")
        q = self._as_vectors(vectors)
        n = q.shape[0]
        out_keys = np.full((n, k), -1, dtype=np.int64)
        out_dist = np.full((n, k), np.inf, dtype=np.float32)
        if n == 0 or len(self._index) == 0:
            return out_keys, out_dist
        res = self._index.search(q, k, threads=self.threads)
        if isinstance(res, BatchMatches):
            rkeys = np.asarray(res.keys).reshape(n, -1)
            rdist = np.asarray(res.distances, dtype=np.float32).reshape(n, -1)
            counts = np.asarray(res.counts).reshape(n)
        else:  # usearch returns a flat ``Matches`` for a single query
            rkeys = np.asarray(res.keys).reshape(1, -1)
            rdist = np.asarray(res.distances, dtype=np.float32).reshape(1, -1)
            counts = np.array([rkeys.shape[1]])
        width = min(k, rkeys.shape[1])
        valid = np.arange(width)[None, :] < counts[:, None]
        out_keys[:, :width] = np.where(valid, rkeys[:, :width].astype(np.int64), -1)
        out_dist[:, :width] = np.where(valid, rdist[:, :width], np.inf)
        return out_keys, out_dist

    # ------------------------------------------------------------- persistence
    def save(self) -> None:
        """Write the index and its manifest atomically (temp file + ``os.replace``).

        A no-op for an in-memory index, a read-only view, or when nothing changed.
        """
        path, manifest_path = self.path, self.manifest_path
        if path is None or manifest_path is None or self.view or not self._dirty:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{_unique()}.tmp")
        manifest = {
            "format": FORMAT_VERSION,
            "dim": self.dim,
            "dtype": self.dtype,
            "metric": "cos",
            "count": self._count,
            "checksum": str(self._checksum),
            "connectivity": self.connectivity,
        }
        try:
            self._index.save(os.fspath(tmp))
            _fsync_file(tmp)
            os.replace(tmp, path)
            _atomic_write_text(manifest_path, json.dumps(manifest, indent=1) + "\n")
            _fsync_dir(path.parent)
        except (OSError, RuntimeError) as exc:
            tmp.unlink(missing_ok=True)
            code = Code.E304 if isinstance(exc, OSError) and exc.errno == 28 else Code.E302
            raise StoreError(code, str(path), reason=str(exc)) from exc
        self._dirty = False

    def set_expansion_search(self, ef: int) -> None:
        """Change the HNSW search depth ("ef"): higher finds more true neighbours, slower."""
        if ef < 1:
            raise _bad_input(f"expansion_search must be at least 1, got {ef}")
        self.expansion_search = ef
        # usearch declares the setter after the getter, which mypy reads as read-only.
        setattr(self._index, "expansion_search", ef)  # noqa: B010

    def memory_usage(self) -> int:
        """Bytes of memory used by the graph and vectors (as reported by usearch)."""
        return int(self._index.memory_usage)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    # Makes the rename durable on POSIX; not possible (nor needed) everywhere.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unique() -> str:
    """A temporary-name part no other writer uses, also on a volume shared across hosts."""
    return f"{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:8]}"


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{_unique()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
