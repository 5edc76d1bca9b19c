"""On-disk cache of sentence embeddings used while training (``.cache/``, gitignored).

Embedding every FNC-1/ARC body sentence costs ~10-20 CPU-minutes, so training keeps the
vectors between runs, keyed by the SHA-1 of the text.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from claimledger.link.embeddings import Embedder

logger = logging.getLogger(__name__)

DEFAULT_CACHE = Path(".cache") / "embeddings"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """A text -> vector store backed by one ``.npy`` matrix and a key list."""

    def __init__(self, folder: Path = DEFAULT_CACHE, *, dim: int = 384) -> None:
        """Open (or create) the cache in ``folder``."""
        self.folder = folder
        self.dim = dim
        self._index: dict[str, int] = {}
        self._vecs = np.zeros((0, dim), dtype=np.float32)
        keys = folder / "keys.txt"
        vecs = folder / "vectors.npy"
        if keys.is_file() and vecs.is_file():
            names = keys.read_text(encoding="utf-8").split()
            arr = np.load(vecs)
            if arr.shape == (len(names), dim):
                self._vecs = arr.astype(np.float32)
                self._index = {k: i for i, k in enumerate(names)}

    def __len__(self) -> int:
        return len(self._index)

    def encode(
        self, texts: Sequence[str], embedder: Embedder, *, chunk: int = 2048, save: bool = True
    ) -> np.ndarray:
        """Return vectors for ``texts``, embedding (and saving) only the missing ones."""
        missing = sorted({t for t in texts if _key(t) not in self._index}, key=len)
        for start in range(0, len(missing), chunk):
            part = missing[start : start + chunk]
            vecs = embedder.encode(part, batch_size=64)
            base = len(self._index)
            for i, t in enumerate(part):
                self._index[_key(t)] = base + i
            self._vecs = np.concatenate([self._vecs, vecs])
            logger.info("embedded %d/%d new texts", start + len(part), len(missing))
            if save:
                self.save()
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._vecs[[self._index[_key(t)] for t in texts]]

    def save(self) -> None:
        """Write the cache to disk."""
        self.folder.mkdir(parents=True, exist_ok=True)
        order = sorted(self._index.items(), key=lambda kv: kv[1])
        (self.folder / "keys.txt").write_text("\n".join(k for k, _ in order), encoding="utf-8")
        np.save(self.folder / "vectors.npy", self._vecs)
