"""What the trained scorer costs the NLP stage: articles/s with it off, confidence-only and on.

    python benchmarks/scorer.py [--pages DIR] [--limit N] [--rounds R] [--json]

The texts are extracted once from the real pages (``../shared/corpora/pages``); then the
relation stage (``extract_documents``: sentence selection, spaCy, rules, and the scorer
when on) runs over them ``rounds`` times each way, interleaved so a noisy shared
machine slows both alike. Reports the best round of each and their ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_pipeline():
    """benchmarks/pipeline.py's page loading and text extraction (one definition of both)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_pipeline", ROOT / "benchmarks" / "pipeline.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run(texts: list[str], mode: str) -> tuple[float, int]:
    from pipeline.relations import extract_documents
    from pipeline.types import Document

    os.environ["NEWSEV_SCORER"] = mode
    start = time.perf_counter()
    n = sum(len(r.relations) for r in extract_documents(Document(str(i), t) for i, t in enumerate(texts)))
    return time.perf_counter() - start, n


def main() -> None:
    bench = _bench_pipeline()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=Path, default=bench.DEFAULT_PAGES)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    texts = bench.extracted_texts(bench.load_pages(a.pages, a.limit))
    from pipeline.nlp import load_nlp
    from pipeline.relations.scorer import load_model

    load_nlp(), load_model()
    _run(texts[:3], "on")  # warm-up outside the clock
    modes = ("off", "confidence", "on")
    best = {m: (float("inf"), 0) for m in modes}
    for _ in range(a.rounds):
        for mode in modes:
            secs, rels = _run(texts, mode)
            if secs < best[mode][0]:
                best[mode] = (secs, rels)
    out = {"articles": len(texts), "rounds": a.rounds}
    for m in modes:
        out[f"{m}_articles_per_s"] = round(len(texts) / best[m][0], 2)
        out[f"{m}_speed_vs_off"] = round(best["off"][0] / best[m][0], 3)
        out[f"relations_{m}"] = best[m][1]
    print(json.dumps(out) if a.json else "\n".join(f"{k}: {v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
