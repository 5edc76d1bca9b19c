"""On-disk cache of spaCy parses for training and evaluation corpora.

Parsing PolNeAR's 620k training words costs minutes on one core; the cache
keeps the parses in a ``DocBin`` under a gitignored folder (``.cache/`` by
default) keyed by the model and the exact texts, so re-training only pays
for feature extraction and the CRF.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, DocBin

logger = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = Path(".cache") / "claimledger" / "parses"


def _cache_key(nlp: Language, texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{nlp.meta.get('name')}-{nlp.meta.get('version')}".encode())
    digest.update(",".join(nlp.pipe_names).encode())
    for text in texts:
        digest.update(b"\x1e")
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()[:20]


def parse_cached(
    texts: Sequence[str],
    *,
    nlp: Language,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
    batch_size: int = 16,
) -> list[Doc]:
    """Parse ``texts`` with ``nlp``, reusing a cached ``DocBin`` when one matches.

    Args:
        texts: Texts to parse, in order.
        nlp: The pipeline to parse with (part of the cache key).
        cache_dir: Folder for cache files; ``None`` disables caching.
        batch_size: ``nlp.pipe`` batch size.
    """
    path: Path | None = None
    if cache_dir is not None:
        path = cache_dir / f"{_cache_key(nlp, texts)}.spacy"
        if path.exists():
            logger.info("reading %d cached parses from %s", len(texts), path)
            docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
            tensors = _read_tensors(path, docs)
            if (
                tensors
                and len(docs) == len(texts)
                and all(d.text == t for d, t in zip(docs, texts, strict=True))
            ):
                return docs
            logger.warning(
                "parse cache %s lacks tensors or does not match its texts; re-parsing", path
            )
    logger.info("parsing %d texts", len(texts))
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        bin_ = DocBin(store_user_data=False)
        for doc in docs:
            bin_.add(doc)
        bin_.to_disk(path)
        # DocBin drops Doc.tensor (the tok2vec output the cue features use): keep it apart
        width = max((d.tensor.shape[1] for d in docs if d.tensor.ndim == 2), default=0)
        rows = [
            d.tensor
            if d.tensor.ndim == 2 and len(d.tensor) == len(d)
            else np.zeros((len(d), width))
            for d in docs
        ]
        stacked = np.concatenate(rows) if rows else np.zeros((0, width))
        np.save(path.with_suffix(".tensors.npy"), stacked.astype(np.float16))
    return docs


def _read_tensors(path: Path, docs: list[Doc]) -> bool:
    """Restore ``Doc.tensor`` from the side file; False when it is missing or does not fit."""
    side = path.with_suffix(".tensors.npy")
    if not side.exists():
        return False
    stacked = np.load(side)
    if len(stacked) != sum(len(d) for d in docs):
        return False
    offset = 0
    for doc in docs:
        doc.tensor = stacked[offset : offset + len(doc)].astype(np.float32)
        offset += len(doc)
    return True
