"""Serve the bundled offline sample over HTTP on 127.0.0.1.

The pages and feeds of ``data/sample`` link to each other with root-relative URLs
(``/pages/...``), so they work as they are under any server and port (``newsev demo
--serve``, or ``python -m http.server 8765 --bind 127.0.0.1 -d data/sample``).
``data/sample/feeds.toml`` names the sample's usual address, ``http://127.0.0.1:8765``;
``sample_feeds_file`` rewrites it for a server on another port. A ``{{BASE}}`` token in a
served file (test fixtures use it) is still replaced by the server's base URL.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

from pipeline.config import DATA_DIR

SAMPLE_DIR = DATA_DIR / "sample"
SAMPLE_PORT = 8765
SAMPLE_BASE = f"http://127.0.0.1:{SAMPLE_PORT}"  # the address data/sample/feeds.toml names
BASE_TOKEN = b"{{BASE}}"
_TEXT_SUFFIXES = {".xml", ".rss", ".atom", ".html", ".htm", ".toml", ".txt", ".json"}
_TYPES = {".rss": "application/rss+xml", ".atom": "application/atom+xml", ".toml": "text/plain",
          ".html": "text/html; charset=utf-8", ".xml": "application/xml"}


class _SampleHandler(SimpleHTTPRequestHandler):
    base_url = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404, "not in the sample")
            return
        body = path.read_bytes()
        if path.suffix in _TEXT_SUFFIXES:
            body = body.replace(BASE_TOKEN, self.base_url.encode())
        self.send_response(200)
        self.send_header("Content-Type", _TYPES.get(path.suffix, self.guess_type(str(path))))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # keep the demo's output clean
        pass


@contextmanager
def serve_directory(root: Path = SAMPLE_DIR, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` in a background thread; yields the base URL (no trailing slash)."""
    handler = type("Handler", (_SampleHandler,), {})
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(root)))
    handler.base_url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="newsev-sample-server", daemon=True)
    thread.start()
    try:
        yield handler.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def sample_feeds_file(base_url: str, dest: Path, root: Path = SAMPLE_DIR) -> Path:
    """Write the sample feeds.toml with its feed URLs (``http://127.0.0.1:8765/...`` or
    ``{{BASE}}/...``) pointing at ``base_url``."""
    text = (root / "feeds.toml").read_text(encoding="utf-8")
    text = text.replace(SAMPLE_BASE + "/", base_url + "/").replace("{{BASE}}", base_url)
    dest.write_text(text, encoding="utf-8")
    return dest
