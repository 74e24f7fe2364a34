"""A polling run stops within seconds on SIGINT or SIGTERM while feeds hang, and every
outcome it had is in the database; a SIGKILL keeps what was polled before it.
The run is a real child process polling real servers on 127.0.0.x into a real SQLite file."""
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from feed_hosts import FeedHost
from processes import as_from_a_terminal

PROJECT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent("""
    import json, sys
    from pipeline import store
    from pipeline.config import Settings
    from pipeline.http import HttpClient
    from pipeline.ingest import poll_feeds
    from pipeline.types import FeedConfig

    db_path, feeds, allowed = sys.argv[1], json.loads(sys.argv[2]), tuple(json.loads(sys.argv[3]))
    settings = Settings(allowed_private_hosts=allowed, min_host_delay=0.0, respect_robots=False,
                        connect_timeout=5.0, read_timeout=120.0, total_timeout=120.0, poll_workers=16)
    db = store.open_db(db_path)
    with HttpClient(settings) as client:
        print("polling", flush=True)
        poll_feeds(db, client, [FeedConfig(url=u, name=u) for u in feeds])
    print("finished", flush=True)
""")


def _rows(db_path):
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            return dict(conn.execute("select url, last_status from feeds").fetchall())
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return {}


@pytest.mark.parametrize("sig, returncodes", [
    (signal.SIGINT, (-signal.SIGINT, 130, 1)),
    (signal.SIGTERM, (128 + signal.SIGTERM, -signal.SIGTERM)),
    (signal.SIGKILL, (-signal.SIGKILL,)),
])
def test_a_signal_stops_polling_and_keeps_the_outcomes(tmp_path, sig, returncodes):
    db_path = tmp_path / "signals.db"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    hung = [FeedHost(f"127.0.0.{40 + i}", mode="stall") for i in range(6)]
    ok = FeedHost("127.0.0.39")
    try:
        fast = [ok.url(f"/f{i}.xml") for i in range(10)]
        slow = [h.url("/feed.xml") for h in hung]
        allowed = [f"{s.host}:{s.port}" for s in [ok, *hung]]
        proc = subprocess.Popen([sys.executable, str(script), str(db_path), json.dumps(slow + fast),
                                 json.dumps(allowed)], cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=as_from_a_terminal)
        try:
            deadline = time.monotonic() + 60
            while len(_rows(db_path)) < 10 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.1)
            assert len(_rows(db_path)) == 10, proc.stderr.read() if proc.poll() is not None else "no rows"
            assert all(len(h.requests) == 1 for h in hung)  # the hanging feeds are in flight
            proc.send_signal(sig)
            rc = proc.wait(timeout=40)  # the hanging requests would hold it for 120 s
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        out = proc.stdout.read()
        assert rc in returncodes, (rc, proc.stderr.read()[-2000:])
        assert "finished" not in out
    finally:
        for h in [ok, *hung]:
            h.close()
    rows = _rows(db_path)
    assert {u: rows.get(u) for u in fast} == {u: "200" for u in fast}
    assert not any(u in rows for u in slow)
