"""Benchmark: attribution extraction throughput against spaCy's own parse.

``run(texts)`` times ``nlp.pipe`` over the texts (the same pipeline
extraction uses, all components) and then ``extract_texts`` over the same
texts in the same process, and reports words per second for both, their
ratio (extraction / parse; 1.0 would mean the CRFs and speaker resolution
cost nothing beyond parsing) and the peak resident memory of the process.
"""

from __future__ import annotations

import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

from claimledger.extract.attribution import extract_texts, load_model, load_nlp

_WORD = re.compile(r"\w+")


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def run(texts: list[str], *, batch_size: int = 16, repeats: int = 2) -> dict[str, Any]:
    """Time parsing and extraction of ``texts``; the best of ``repeats`` runs counts.

    Args:
        texts: Article texts.
        batch_size: ``nlp.pipe`` batch size for both measurements.
        repeats: Runs of each measurement (alternating); the fastest is kept.
    """
    nlp = load_nlp()
    model = load_model()
    words = sum(len(_WORD.findall(t)) for t in texts)
    list(extract_texts(texts[:2], nlp=nlp, model=model))  # warm-up: loads, caches
    parse_s = extract_s = float("inf")
    attributions = 0
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=batch_size):
            pass
        parse_s = min(parse_s, time.perf_counter() - t0)
        t0 = time.perf_counter()
        attributions = sum(
            len(a) for a in extract_texts(texts, nlp=nlp, model=model, batch_size=batch_size)
        )
        extract_s = min(extract_s, time.perf_counter() - t0)
    parse_wps = words / parse_s if parse_s else 0.0
    extract_wps = words / extract_s if extract_s else 0.0
    return {
        "texts": len(texts),
        "words": words,
        "attributions": attributions,
        "pipes": list(nlp.pipe_names),
        "parse_seconds": round(parse_s, 3),
        "extract_seconds": round(extract_s, 3),
        "parse_words_per_s": round(parse_wps, 1),
        "extract_words_per_s": round(extract_wps, 1),
        "ratio": round(extract_wps / parse_wps, 3) if parse_wps else 0.0,
        "peak_rss_mb": _peak_rss_mb(),
    }


if __name__ == "__main__":
    import json

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/datasets/polnear/dev/text")
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    paths = sorted(folder.glob("*.txt"))[:limit]
    print(json.dumps(run([p.read_bytes().decode("utf-8") for p in paths]), indent=2))
