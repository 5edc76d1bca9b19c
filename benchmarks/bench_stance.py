"""Stance throughput: pairs per second for headline pairs and body-length pairs.

Pairs come from the FNC-1 development split (bodies held out by id, read from
``../shared/datasets``): headline pairs are (headline, lead sentence of a body), body pairs
are (headline, whole body). In the same run the script times MiniLM encoding alone on the
same texts, so the ratio to the embedder's speed is measured under the same machine load.
All pairs are predicted in batches of ``batch`` with the packaged model, one torch thread.

Usage::

    python benchmarks/bench_stance.py                    # 200 pairs of each kind
    python benchmarks/bench_stance.py --pairs 100 --out benchmarks/results/stance.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path(os.environ.get("CLAIMLEDGER_DATASETS", ROOT.parent / "shared" / "datasets"))


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def run(
    pairs: int = 200, *, batch: int = 64, datasets: Path = DATASETS, seed: int = 0
) -> dict[str, Any]:
    """Measure stance and MiniLM throughput; return a JSON-able dict."""
    from claimledger.link.embeddings import get_embedder
    from claimledger.stance.data import dev_subset, read_fnc_dir, split_by_body
    from claimledger.stance.predict import load_stance_model, predict_stance
    from claimledger.stance.text import split_sentences

    _, load_embedder_s = _timed(get_embedder)
    embedder = get_embedder()
    model, load_model_s = _timed(load_stance_model)
    _, dev = split_by_body(read_fnc_dir(datasets / "fnc-1", source="fnc-1"))
    sample = dev_subset(dev, limit=pairs, seed=seed)
    heads = [(p.headline, (split_sentences(p.body) or [p.body])[0]) for p in sample]
    bodies = [(p.headline, p.body) for p in sample]
    predict_stance(heads[:4], model=model, embedder=embedder)  # warm-up

    def stance_rate(items: Sequence[tuple[str, str]]) -> float:
        total = 0.0
        for i in range(0, len(items), batch):
            _, dt = _timed(predict_stance, items[i : i + batch], model=model, embedder=embedder)
            total += dt
        return len(items) / total

    def encode_rate(texts: Sequence[str]) -> float:
        _, dt = _timed(embedder.encode, list(texts))
        return len(texts) / dt

    head_pps = stance_rate(heads)
    body_pps = stance_rate(bodies)
    # MiniLM alone: one encoding per text (the claim-side cost is comparable).
    enc_head_sps = encode_rate([t for _, t in heads])
    enc_body_dps = encode_rate([t for _, t in bodies[: max(10, pairs // 4)]])
    n_sent = sum(len(split_sentences(t)) for _, t in bodies) / max(1, len(bodies))
    return {
        "pairs": len(sample),
        "batch": batch,
        "headline_pairs_per_s": round(head_pps, 2),
        "body_pairs_per_s": round(body_pps, 2),
        "minilm_sentences_per_s": round(enc_head_sps, 2),
        "minilm_whole_bodies_per_s": round(enc_body_dps, 2),
        "ratio_headline_pairs_to_minilm_sentences": round(head_pps / enc_head_sps, 3),
        "ratio_body_pairs_to_minilm_sentences": round(body_pps / enc_head_sps, 3),
        "ratio_body_pairs_to_minilm_whole_bodies": round(body_pps / enc_body_dps, 3),
        "mean_sentences_per_body": round(n_sent, 1),
        "load_embedder_s": round(load_embedder_s, 2),
        "load_stance_model_s": round(load_model_s, 2),
        "top_k_sentences_embedded": model.top_k,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    result = run(pairs=args.pairs, batch=args.batch)
    text = json.dumps(result, indent=1)
    print(text)
    if args.out is not None:
        out = args.out / "stance.json" if args.out.is_dir() else args.out
        out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
