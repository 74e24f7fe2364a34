"""Prefect's share of the wall time of a 200-article ingestion run.

    python benchmarks/prefect_overhead.py [--articles 200] [--json]

Serves the real pages of ../shared/corpora/pages on 127.0.0.1 behind one generated RSS
feed (each copy gets its own URL and edition marks in its paragraphs, so 200 distinct articles), then
runs the same ingestion into fresh databases, alternating (``--rounds``, medians reported): once as the Prefect ``ingest`` flow
(on an already running temporary server, as under ``newsev serve``) and once by calling
the same ``pipeline.ingest`` stages directly. Overhead = (flow - direct) / flow.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# As `newsev ingest` runs it: logs stay local, the temporary server is thrown away after.
# Set PREFECT_LOGGING_TO_API_ENABLED=true to measure the cost of shipping logs to the API.
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
os.environ["NEWSEV_MIN_HOST_DELAY"] = "0"
DEFAULT_PAGES = ROOT.parent / "shared" / "corpora" / "pages"
_CANONICAL = re.compile(rb"<link[^>]+rel=[\"']?canonical[^>]*>", re.I)


def start_server(pages: list[Path], n: int):
    bodies = [p.read_bytes() for p in pages]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/feed.rss":
                items = "".join(f"<item><title>Story {i}</title><link>{base}/a/{i}.html</link>"
                                f"<guid>story-{i}</guid></item>" for i in range(n))
                body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>'
                        f"<link>{base}/</link><description>bench</description>{items}</channel></rss>").encode()
                ctype = "application/rss+xml"
            elif self.path.startswith("/a/"):
                i = int(self.path[3:].split(".")[0])
                html = _CANONICAL.sub(b"", bodies[i % len(bodies)])
                body = html.replace(b"</p>", f" (edition {i})</p>".encode())
                ctype = "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def direct_run(feeds: Path, db_path: Path) -> dict:
    """The same stages as the flow, called in the same order, without Prefect."""
    from pipeline import ingest as stages
    from pipeline import store
    from pipeline.config import load_settings
    from pipeline.feeds import load_feeds
    from pipeline.http import HttpClient

    settings = load_settings().with_(allow_private=True, db_path=db_path)
    db = store.open_db(db_path)
    run_id = store.start_run(db, "ingest")
    written = 0
    with HttpClient(settings) as client:
        entries, _, _ = stages.poll_feeds(db, client, load_feeds(feeds))
        new = stages.select_new_entries(db, entries)
        for batch in stages.batched(new, settings.nlp_batch_size):
            fetched = stages.fetch_pages(client, batch)
            processed = stages.process_pages(fetched.pages, settings, batch_size=settings.nlp_batch_size)
            fresh, _ = stages.drop_known(db, processed.analysed)
            written += stages.write_all(db, fresh, run_id)[0]
    store.finish_run(db, run_id, {"written": written}, "ok")
    return {"written": written}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3, help="alternate flow and direct runs this many times")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not a.pages.is_dir():
        sys.exit(f"no pages at {a.pages}")
    from flows.ingest import ingest
    from flows.server import prefect_api
    from pipeline.nlp import load_nlp

    load_nlp()
    server, base = start_server(sorted(a.pages.glob("*.html")), a.articles)
    with tempfile.TemporaryDirectory() as tmp, prefect_api():  # as `newsev ingest` runs it
        tmp = Path(tmp)
        feeds = tmp / "feeds.toml"
        feeds.write_text(f'[[feeds]]\nurl = "{base}/feed.rss"\nname = "bench"\n', encoding="utf-8")
        empty = tmp / "empty.toml"
        empty.write_text('[[feeds]]\nurl = "http://127.0.0.1:9/none.rss"\nname = "warm-up"\n', encoding="utf-8")
        ingest(feeds_path=str(empty), db_path=str(tmp / "warm.db"), allow_private=True)  # server warm-up
        flow_times, direct_times = [], []
        for r in range(a.rounds):  # alternate, so machine noise hits both alike
            t0 = time.perf_counter()
            flow_result = ingest(feeds_path=str(feeds), db_path=str(tmp / f"flow{r}.db"), allow_private=True)
            flow_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            direct = direct_run(feeds, tmp / f"direct{r}.db")
            direct_times.append(time.perf_counter() - t0)
    server.shutdown()
    flow_s, direct_s = statistics.median(flow_times), statistics.median(direct_times)
    out = {
        "articles": flow_result.get("written"),
        "direct_written": direct["written"],
        "flow_seconds_median": round(flow_s, 2),
        "direct_seconds_median": round(direct_s, 2),
        "flow_seconds": [round(t, 2) for t in flow_times],
        "direct_seconds": [round(t, 2) for t in direct_times],
        "prefect_overhead_fraction": round((flow_s - direct_s) / flow_s, 4),
    }
    print(json.dumps(out) if a.json else "\n".join(f"{k:28} {v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
