"""Peak memory of streaming 1,000 articles through extraction, NLP and DB writes.

    python benchmarks/memory.py [--articles 1000] [--json]

Pages from ../shared/corpora/pages are repeated; each copy gets its own URL, its
canonical link removed and an edition mark in every paragraph, so its extracted text
(and content hash) is its own and every one of the articles is really written (before,
the mark sat outside the extracted text and 839 of 1,000 copies collapsed into content-
hash duplicates). They go through ``process_pages`` in ingestion-sized batches, then
``write_all`` into a fresh database. Reports the peak RSS of this process (ru_maxrss),
which holds the model, the batch in flight and the SQLite cache, and how many articles,
evidence rows and claims were stored; it fails if fewer articles were stored than asked.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_PAGES = ROOT.parent / "shared" / "corpora" / "pages"
_CANONICAL = re.compile(rb"<link[^>]+rel=[\"']?canonical[^>]*>", re.I)


def distinct_copy(body: bytes, i: int) -> bytes:
    """Copy ``i`` of a page: no canonical link, an edition mark in every paragraph."""
    return _CANONICAL.sub(b"", body).replace(b"</p>", f" (edition {i})</p>".encode())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    from pipeline import store
    from pipeline.config import load_settings
    from pipeline.ingest import drop_known, process_pages, write_all
    from pipeline.nlp import load_nlp
    from pipeline.types import Page

    bodies = [p.read_bytes() for p in sorted(a.pages.glob("*.html"))]
    load_nlp()
    after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    settings = load_settings()

    def pages(start: int, stop: int):
        for i in range(start, stop):
            url = f"https://mem.newsev.invalid/a/{i}.html"
            body = distinct_copy(bodies[i % len(bodies)], i)
            yield Page(url=url, final_url=url, status=200, content_type="text/html", body=body), None

    stored = duplicates = failed = 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "mem.db")
        for start in range(0, a.articles, a.batch_size):
            batch = list(pages(start, min(a.articles, start + a.batch_size)))
            processed = process_pages(batch, settings, batch_size=a.batch_size)
            failed += len(processed.errors)
            fresh, dupes = drop_known(db, processed.analysed)
            duplicates += dupes
            stored += write_all(db, fresh, None)[0]
        rows = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "evidence", "claims")}
        db_mb = (Path(tmp) / "mem.db").stat().st_size / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"articles": a.articles, "stored": stored, "duplicates": duplicates, "extract_failures": failed,
           "articles_rows": rows["articles"], "evidence_rows": rows["evidence"], "claims": rows["claims"],
           "db_mb": round(db_mb, 1), "seconds": round(time.perf_counter() - t0, 1),
           "rss_after_model_load_mb": round(after_load, 1), "peak_rss_mb": round(peak, 1)}
    print(json.dumps(out) if a.json else "\n".join(f"{k:26} {v}" for k, v in out.items()))
    if stored + failed < a.articles:
        sys.exit(f"only {stored} of {a.articles} articles were stored ({duplicates} duplicates): "
                 "the benchmark would under-measure writes")


if __name__ == "__main__":
    main()
