"""MiniLM embeddings: shape, normalisation, and that meaning drives similarity."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from claimledger.link.embeddings import DIM, get_embedder, model_path

pytestmark = pytest.mark.slow


def test_packaged_weights_are_found() -> None:
    assert (model_path() / "model.safetensors").is_file()


def test_get_embedder_is_cached(embedder: Any) -> None:
    assert get_embedder() is embedder
    assert embedder.dim == DIM == 384


def test_encode_shape_dtype_and_unit_norm(embedder: Any) -> None:
    vecs = embedder.encode(["Russian troops crossed the border.", "", "Ein Satz auf Deutsch."])
    assert vecs.shape == (3, 384)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_encode_empty_batch(embedder: Any) -> None:
    out = embedder.encode([])
    assert out.shape == (0, 384) and out.dtype == np.float32


def test_paraphrase_is_closer_than_unrelated(embedder: Any) -> None:
    a, b, c = embedder.encode(
        [
            "Russia has moved tanks across the border into eastern Ukraine.",
            "Russian armour crossed into the east of Ukraine, officials say.",
            "The central bank left interest rates unchanged on Thursday.",
        ]
    )
    assert float(a @ b) > 0.6
    assert float(a @ b) > float(a @ c) + 0.3


def test_encode_is_deterministic_across_batch_sizes(embedder: Any) -> None:
    texts = [f"Sentence number {i} about the ceasefire in Donetsk." for i in range(10)]
    np.testing.assert_allclose(
        embedder.encode(texts, batch_size=3), embedder.encode(texts, batch_size=32), atol=1e-5
    )
