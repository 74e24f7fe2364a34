"""Evidence-trail benchmark: what the issue-12 additions to the write path cost, and how
fast quotes are found again.

Three runs in one process, each writing the same synthetic articles into a fresh
database: ``baseline`` with the trail hooks (selectors, position times, fetch times,
watchlist alerts) replaced by no-ops; ``trail`` with them and an empty watchlist;
``watched`` with 100 watched entities, a tenth of the articles naming one. Ratios are
against the baseline of the same run. Then ``anchor`` re-finds quotes in texts where
the quote is unchanged, re-typeset, or changed.

    python benchmarks/trail.py --articles 300 --json
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pipeline import annotation, store, timeline, watch  # noqa: E402
from store_fixtures import bulk_article  # noqa: E402  (synthetic articles, 40 positions each)


def _articles(n: int, rels: int):
    out = []
    for i in range(n):
        art, res = bulk_article(i, rels)
        out.append((art, res))
    return out


def _write_all(path: Path, items, watched: int) -> float:
    db = store.open_db(path)
    for j in range(watched):
        # every tenth article's first company is watched (Company0 Beta ... by article number)
        watch.add(db, f"Person{j * 10}x0 Alpha" if j < len(items) // 10 else f"Nobody {j}")
    t0 = time.perf_counter()
    for art, res in items:
        store.write_article(db, art, res)
    dt = time.perf_counter() - t0
    db.close()
    return dt


def run(n_articles: int, rels: int, repeat: int) -> dict:
    items = _articles(n_articles, rels)
    hooks = {"seen_again": timeline.seen_again, "refresh_positions": timeline.refresh_positions,
             "record_alerts": watch.record_alerts, "stored_selector": annotation.stored_selector}
    times: dict[str, list[float]] = {"baseline": [], "trail": [], "watched": []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeat):
            timeline.seen_again = lambda *a, **k: None
            timeline.refresh_positions = lambda *a, **k: None
            watch.record_alerts = lambda *a, **k: 0
            annotation.stored_selector = lambda *a, **k: (None, None)
            try:
                times["baseline"].append(_write_all(Path(tmp) / f"b{r}.db", items, 0))
            finally:
                timeline.seen_again, timeline.refresh_positions = hooks["seen_again"], hooks["refresh_positions"]
                watch.record_alerts, annotation.stored_selector = hooks["record_alerts"], hooks["stored_selector"]
            times["trail"].append(_write_all(Path(tmp) / f"t{r}.db", items, 0))
            times["watched"].append(_write_all(Path(tmp) / f"w{r}.db", items, 100))
            db = store.open_db(Path(tmp) / f"w{r}.db")
            n_alerts = db.execute("SELECT count(*) FROM alerts").fetchone()[0]
            db.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    # anchoring: unchanged, re-typeset, changed
    text = " ".join(f"Sentence number {i} says that the company's plan is \"bold\" - or so it seems." for i in range(300))
    quotes = [text.index(f"Sentence number {i} ") for i in range(0, 300, 3)]
    variants = {"exact": text, "normalized": text.replace("'", "\u2019").replace(" - ", " \u2014 "),
                "changed": text.replace("plan is", "scheme looks")}
    anchor_ms = {}
    for name, new in variants.items():
        t0 = time.perf_counter()
        for s in quotes:
            e = text.index("seems.", s) + len("seems.")
            pre, suf = annotation.stored_selector(text, s, e)
            annotation.anchor(new, text[s:e], pre, suf, hint=s)
        anchor_ms[name] = (time.perf_counter() - t0) * 1000 / len(quotes)
    return {
        "articles": n_articles, "relations_per_article": rels, "repeat": repeat,
        "write_s": {k: round(v, 3) for k, v in med.items()},
        "articles_per_s": {k: round(n_articles / v, 1) for k, v in med.items()},
        "ratio_vs_baseline": {k: round(v / med["baseline"], 3) for k, v in med.items()},
        "alerts_recorded": n_alerts,
        "anchor_ms_per_quote": {k: round(v, 3) for k, v in anchor_ms.items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--relations", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    res = run(a.articles, a.relations, a.repeat)
    if a.json:
        print(json.dumps(res, indent=2))
    else:
        for k, v in res.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
