"""The evidence database: one SQLite file, written one article per transaction.

Why it looks like this:

* A fact seen in five articles is one row in ``claims`` with five rows in ``evidence``.
  The claim key is the relation type plus its normalized arguments (casefolded, corporate
  suffixes and possessives stripped, aliases resolved to one canonical entity), so
  "Xiaomi Corp." and "Xiaomi", "MIIT" and "Ministry of Industry and Information
  Technology" land on the same claim.
* ``write_article`` is the only writer of articles/claims/evidence and runs in ONE
  ``BEGIN IMMEDIATE`` transaction: a crash leaves either the whole article or nothing,
  and a scheduled ingest, a manual re-run and a query can share the file (WAL, busy
  timeout >= 5 s).
* A canonical link may merge URLs, never let one origin overwrite another's stored text
  (``placed``); every evidence row slices its article's text exactly.
* ``sources`` counts independent sources: distinct hosts, with syndicated copies (near
  duplicate text under another URL, found by MinHash banding) counted once under the
  host of the first copy we stored.
* Errors the caller must record are translated: ``DatabaseBusy`` (locked past the
  timeout) and ``DiskFull`` (SQLITE_FULL, including ``PRAGMA max_page_count``).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import hashlib
import json
import os
import re
import socket
import sqlite3
import time
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

import sqlite_utils

from pipeline.relations import registry
from pipeline.types import Article, DocResult, FeedPoll, FetchError

SCHEMA_VERSION = 5  # v4: evidence trail (issue 12); v5: claim keys from the relation registry (issue 9)
BUSY_TIMEOUT_S = 10.0  # >= 5 s by house rule; a long NLP batch never holds the lock anyway

# -- errors -----------------------------------------------------------------------------


class StoreError(Exception):
    """Base class of the errors a flow can record and carry on from."""


class DatabaseBusy(StoreError):
    """The database stayed locked past the busy timeout (another writer held it)."""


class DiskFull(StoreError):
    """SQLite could not grow the file (disk full or ``max_page_count`` reached)."""


class CorruptDatabase(StoreError):
    """The file is not a sound SQLite database (``quick_check`` failed): never written into."""


class RunLeaseHeld(StoreError):
    """Another ingest run holds an unexpired lease: two ingests must not overlap."""


def _translate(exc: sqlite3.Error) -> Exception:
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return DatabaseBusy(f"database busy: {exc} (another process held the lock past the timeout)")
    if "full" in msg:
        return DiskFull(f"disk full: {exc}")
    return exc


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn sqlite3 busy/full errors into ``DatabaseBusy`` / ``DiskFull``."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        new = _translate(exc)
        if new is exc:
            raise
        raise new from exc


@contextlib.contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: take the write lock before the first read, so a
    read-then-write transaction never fails half-way with SQLITE_BUSY."""
    conn = db.conn
    if conn.in_transaction:  # nested: a savepoint inside the caller's transaction
        with db.atomic():
            yield db
        return
    with translate_errors():
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


# -- schema -----------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    name TEXT,
    etag TEXT,
    last_modified TEXT,
    last_status TEXT,
    last_error TEXT,
    last_polled TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    author TEXT,
    published TEXT,
    site TEXT,
    host TEXT,
    language TEXT,
    text TEXT NOT NULL DEFAULT '',
    content_hash TEXT,
    fingerprint TEXT,
    fetched_at TEXT,
    fetched_url TEXT,
    feed_url TEXT,
    guid TEXT,
    skip_reason TEXT,
    syndication_of INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    source_key TEXT,
    result_hash TEXT,
    date TEXT,
    run_id INTEGER
);
CREATE INDEX IF NOT EXISTS idx_articles_guid ON articles(guid);
CREATE INDEX IF NOT EXISTS idx_articles_content_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS idx_articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS idx_articles_date ON articles(date);
CREATE INDEX IF NOT EXISTS idx_articles_host ON articles(host);
CREATE INDEX IF NOT EXISTS idx_articles_site ON articles(site COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS idx_articles_syndication_of ON articles(syndication_of);
CREATE TABLE IF NOT EXISTS article_urls (
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_article_urls_article ON article_urls(article_id);
CREATE TABLE IF NOT EXISTS article_bands (
    band INTEGER NOT NULL,
    value INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, value, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_article_bands_article ON article_bands(article_id);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    label TEXT,
    normalized TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS aliases (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    normalized TEXT NOT NULL PRIMARY KEY
);
CREATE INDEX IF NOT EXISTS idx_aliases_entity ON aliases(entity_id);
CREATE TABLE IF NOT EXISTS claims (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    args TEXT NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    sources INTEGER NOT NULL DEFAULT 0,
    evidence_count INTEGER NOT NULL DEFAULT 0,
    max_confidence REAL,
    status TEXT
);
CREATE INDEX IF NOT EXISTS idx_claims_type ON claims(type, sources);
CREATE INDEX IF NOT EXISTS idx_claims_sources ON claims(sources);
CREATE INDEX IF NOT EXISTS idx_claims_status ON claims(status);
CREATE INDEX IF NOT EXISTS idx_claims_first_seen ON claims(first_seen);
CREATE INDEX IF NOT EXISTS idx_claims_last_seen ON claims(last_seen);
CREATE TABLE IF NOT EXISTS claim_names (
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    norm TEXT NOT NULL,
    PRIMARY KEY (claim_id, role)
);
CREATE INDEX IF NOT EXISTS idx_claim_names_norm ON claim_names(norm, claim_id);
CREATE TABLE IF NOT EXISTS positions (
    claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    person TEXT, organization TEXT, role TEXT,
    person_key TEXT, organization_key TEXT
);
CREATE INDEX IF NOT EXISTS idx_positions_person ON positions(person_key, role);
CREATE INDEX IF NOT EXISTS idx_positions_org ON positions(organization_key);
CREATE INDEX IF NOT EXISTS idx_positions_role ON positions(role);
CREATE TABLE IF NOT EXISTS awards (
    claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    recipient TEXT, award TEXT, conferred_by TEXT, year INTEGER,
    recipient_key TEXT, conferred_by_key TEXT, award_key TEXT
);
CREATE INDEX IF NOT EXISTS idx_awards_recipient ON awards(recipient_key);
CREATE INDEX IF NOT EXISTS idx_awards_conferred_by ON awards(conferred_by_key);
CREATE TABLE IF NOT EXISTS investments (
    claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    investor TEXT, amount_value REAL, currency TEXT, approximate INTEGER, amount_text TEXT,
    technology TEXT, period TEXT, target TEXT,
    investor_key TEXT, target_key TEXT, object TEXT
);
CREATE INDEX IF NOT EXISTS idx_investments_investor ON investments(investor_key);
CREATE INDEX IF NOT EXISTS idx_investments_target ON investments(target_key);
CREATE TABLE IF NOT EXISTS investment_technologies (
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    technology TEXT NOT NULL,
    PRIMARY KEY (technology, claim_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evidence (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    confidence REAL,
    extractor_version TEXT,
    status TEXT,
    attributed_to TEXT
);
CREATE INDEX IF NOT EXISTS idx_evidence_claim ON evidence(claim_id);
CREATE INDEX IF NOT EXISTS idx_evidence_article ON evidence(article_id);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    status TEXT,
    counts TEXT,
    errors INTEGER,
    pid INTEGER,
    host TEXT,
    lease_seconds INTEGER,
    lease_expires TEXT
);
CREATE INDEX IF NOT EXISTS idx_runs_kind_status ON runs(kind, status);
CREATE TABLE IF NOT EXISTS fetch_errors (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    url TEXT,
    stage TEXT,
    error_class TEXT,
    message TEXT,
    at TEXT
);
CREATE INDEX IF NOT EXISTS idx_fetch_errors_run ON fetch_errors(run_id);
CREATE INDEX IF NOT EXISTS idx_fetch_errors_url ON fetch_errors(url);

CREATE VIRTUAL TABLE IF NOT EXISTS evidence_fts USING fts5 (sentence, content="evidence", content_rowid="id");
CREATE TRIGGER IF NOT EXISTS evidence_ai AFTER INSERT ON evidence BEGIN
  INSERT INTO evidence_fts(rowid, sentence) VALUES (new.id, new.sentence);
END;
CREATE TRIGGER IF NOT EXISTS evidence_ad AFTER DELETE ON evidence BEGIN
  INSERT INTO evidence_fts(evidence_fts, rowid, sentence) VALUES ('delete', old.id, old.sentence);
END;
CREATE TRIGGER IF NOT EXISTS evidence_au AFTER UPDATE OF sentence ON evidence BEGIN
  INSERT INTO evidence_fts(evidence_fts, rowid, sentence) VALUES ('delete', old.id, old.sentence);
  INSERT INTO evidence_fts(rowid, sentence) VALUES (new.id, new.sentence);
END;
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (title, text, content="articles", content_rowid="id");
CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE OF title, text ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE VIEW IF NOT EXISTS ceo_award_agency AS
SELECT
  p.organization AS company,
  p.person AS ceo,
  a.award AS award,
  a.conferred_by AS agency,
  a.year AS year,
  ac.sources AS sources,
  pc.sources AS position_sources,
  ac.status AS award_status,
  ac.first_seen AS first_seen,
  ac.last_seen AS last_seen,
  p.claim_id AS position_claim_id,
  a.claim_id AS award_claim_id
FROM positions p
JOIN awards a ON a.recipient_key = p.person_key
JOIN claims pc ON pc.id = p.claim_id
JOIN claims ac ON ac.id = a.claim_id
WHERE p.role = 'ceo';

CREATE VIEW IF NOT EXISTS company_investments AS
SELECT
  i.investor AS investor,
  i.amount_value AS amount,
  i.currency AS currency,
  i.approximate AS approximate,
  i.amount_text AS amount_text,
  (SELECT group_concat(value, ', ') FROM json_each(i.technology)) AS technology,
  i.period AS period,
  i.target AS target,
  c.sources AS sources,
  c.status AS status,
  c.first_seen AS first_seen,
  c.last_seen AS last_seen,
  i.claim_id AS claim_id
FROM investments i
JOIN claims c ON c.id = i.claim_id;
"""


def _configure(conn: sqlite3.Connection, timeout: float) -> None:
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    # Switching to WAL needs a lock; when two processes create the file at once one may
    # see SQLITE_BUSY despite the busy handler, so retry for the busy timeout.
    deadline = time.monotonic() + timeout
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise _translate(exc) from exc
            time.sleep(0.05)
    if str(mode).lower() != "wal":
        raise StoreError(f"could not switch the database to WAL (journal_mode={mode})")


def open_db(path: str | os.PathLike, *, timeout: float = BUSY_TIMEOUT_S, check: bool = False) -> sqlite_utils.Database:
    """Open (creating if needed) the evidence database: WAL, busy timeout, foreign keys,
    schema ensured. Safe when several processes open the same new file at once.

    ``check=True`` (the writing commands, at the start of a run) first runs
    ``PRAGMA quick_check`` on an existing file and raises :class:`CorruptDatabase`
    instead of writing into a damaged one."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(p), timeout=timeout, check_same_thread=False)
    try:
        if check and p.exists() and p.stat().st_size > 0:
            check_integrity(conn, p)
        _configure(conn, timeout)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError) and _translate(exc) is not exc:
            raise _translate(exc) from exc
        raise CorruptDatabase(_corrupt_message(p, str(exc))) from exc
    except BaseException:
        conn.close()
        raise
    db = sqlite_utils.Database(conn)
    if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        with immediate(db):
            # re-check under the write lock: another process may have won the race
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                _migrate(db.conn)
                for stmt in _split_sql(SCHEMA):
                    db.conn.execute(stmt)
                _extend_for_trail(db.conn)  # issue 12
                if version < 5:
                    _rekey_claims(db.conn)
                db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return db


# -- read-only open (issue 11: reading commands never write) ------------------------------


class NotNewsevDatabase(StoreError):
    """The file is empty, not SQLite, or an SQLite database without newsev's tables."""


_CORE_TABLES = ("articles", "claims", "evidence")


def open_db_readonly(path: str | os.PathLike, *, timeout: float = BUSY_TIMEOUT_S) -> sqlite_utils.Database:
    """Open an existing evidence database for reading only: ``mode=ro``, ``query_only``, no
    schema, no WAL switch, so the file's bytes stay as they are (a concurrent ingest's
    committed rows are still seen). Raises ``NotNewsevDatabase`` for an empty file,
    a file that is not SQLite, or someone else's SQLite database, and FileNotFoundError
    for a missing one."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no database at {p}")
    not_ours = NotNewsevDatabase(f"{p} is not a newsev database (it has no {', '.join(_CORE_TABLES)} tables); "
                                 "it was left untouched")
    if p.stat().st_size == 0:
        raise not_ours
    conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA query_only = 1")
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:  # "file is not a database"
        conn.close()
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise not_ours from None
        raise _translate(exc) from exc
    if not set(_CORE_TABLES) <= names:
        conn.close()
        raise not_ours
    return sqlite_utils.Database(conn)


# -- end of read-only open ----------------------------------------------------------------


def _corrupt_message(path: Path, detail: str) -> str:
    return (f"{path} is damaged ({detail}); newsev will not write into it. Restore it from a backup, "
            f"or move it away to start a new database (`sqlite3 {path} .recover` may save its rows)")


def check_integrity(conn: sqlite3.Connection, path: str | os.PathLike = "the database") -> None:
    """``PRAGMA quick_check`` (pages, records, free list; linear in the file size):
    raises :class:`CorruptDatabase` with the first problems it names."""
    with translate_errors():
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(20)").fetchall()]
        rows = [r for r in rows if not _false_null_report(conn, r)] or ["ok"]
    if rows != ["ok"]:
        raise CorruptDatabase(_corrupt_message(Path(path), "; ".join(rows)[:300]))


def _false_null_report(conn: sqlite3.Connection, message: str) -> bool:
    """SQLite 3.40's quick_check reports "NULL value in T.C" for WITHOUT ROWID tables whose
    primary key lists columns in another order than the table (``integrity_check`` says
    ok): such a report counts only when the column really holds a NULL."""
    m = re.fullmatch(r"NULL value in (\w+)\.(\w+)", message)
    if not m:
        return False
    table, col = m.groups()
    try:
        return conn.execute(f'SELECT count(*) FROM "{table}" WHERE "{col}" IS NULL').fetchone()[0] == 0
    except sqlite3.DatabaseError:
        return False


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a file made by an older schema version up to date (columns only; the rest
    is ``CREATE ... IF NOT EXISTS``)."""
    cols = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    if cols and "date" not in cols:  # v1 -> v2: the article date used by --since/--until
        conn.execute("ALTER TABLE articles ADD COLUMN date TEXT")
        conn.execute("UPDATE articles SET date = substr(coalesce(published, fetched_at), 1, 10)")
    if cols and "run_id" not in cols:  # v2 -> v3: the run that last changed the article
        conn.execute("ALTER TABLE articles ADD COLUMN run_id INTEGER")


def _rekey_claims(conn: sqlite3.Connection) -> None:
    """v4 -> v5: claim identity is the registry's key (an award's year and giver, an
    investment's period and object are no longer part of it): every claim is re-keyed,
    claims now equal are merged, verdicts and checks follow their claim."""
    touched: set[int] = set()
    known = set(registry.types())
    ids = [r[0] for r in conn.execute("SELECT id, type FROM claims ORDER BY id") if r[1] in known]
    _rekey(conn, set(), touched, ids=ids)
    refresh_claims(conn, touched)


# -- evidence trail (issue 12): selectors, times, verifications, reviews, watchlist ------
# Columns added to existing tables (old files get them by ALTER TABLE, new ones too, so
# the CREATE TABLE statements above stay as they are) and tables of their own.
TRAIL_COLUMNS = {
    "evidence": {
        "quote_prefix": "TEXT",  # W3C TextQuoteSelector prefix: up to 32 characters before the quote
        "quote_suffix": "TEXT",  # ... and suffix: up to 32 characters after it
        "time": "TEXT",  # JSON Relation.time of this quote (holds_position): state, acting, since, until
        "rules": "TEXT",  # JSON list of the rule ids that produced it
        "content_hash": "TEXT",  # hash of the article text the quote was taken from
        "fetched_at": "TEXT",  # when that text was fetched
    },
    "positions": {"state": "TEXT", "acting": "INTEGER", "since": "INTEGER", "until": "INTEGER", "held": "TEXT"},
    "claims": {"first_fetched": "TEXT", "last_fetched": "TEXT"},
}

TRAIL_SCHEMA = """
CREATE INDEX IF NOT EXISTS idx_positions_state ON positions(state);
CREATE TABLE IF NOT EXISTS verifications (
    id INTEGER PRIMARY KEY,
    checked_at TEXT NOT NULL,
    claim_key TEXT NOT NULL,
    claim_id INTEGER,
    evidence_id INTEGER,
    url TEXT NOT NULL,
    sentence TEXT NOT NULL,
    status TEXT NOT NULL,
    match TEXT,
    new_wording TEXT,
    http_status INTEGER,
    error TEXT,
    content_hash TEXT,
    same_text INTEGER
);
CREATE INDEX IF NOT EXISTS idx_verifications_quote ON verifications(claim_key, url, checked_at);
CREATE INDEX IF NOT EXISTS idx_verifications_at ON verifications(checked_at);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    claim_key TEXT NOT NULL,
    claim_type TEXT,
    claim_args TEXT,
    verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
    note TEXT,
    reviewer TEXT,
    at TEXT NOT NULL,
    UNIQUE (claim_key, at, reviewer, verdict)
);
CREATE INDEX IF NOT EXISTS idx_reviews_key ON reviews(claim_key, at);
CREATE VIEW IF NOT EXISTS latest_reviews AS
SELECT r.* FROM reviews r
WHERE r.id = (SELECT r2.id FROM reviews r2 WHERE r2.claim_key = r.claim_key ORDER BY r2.at DESC, r2.id DESC LIMIT 1);
CREATE TABLE IF NOT EXISTS watchlist (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    normalized TEXT NOT NULL UNIQUE,
    added_at TEXT,
    added_by TEXT
);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    run_id INTEGER,
    kind TEXT NOT NULL,
    watched TEXT NOT NULL,
    claim_id INTEGER,
    claim_key TEXT,
    claim_type TEXT,
    claim_text TEXT,
    evidence_id INTEGER,
    sentence TEXT,
    url TEXT,
    site TEXT,
    title TEXT,
    published TEXT
);
CREATE INDEX IF NOT EXISTS idx_alerts_at ON alerts(at);
CREATE VIEW IF NOT EXISTS claim_trail AS
SELECT
  c.id AS claim_id, c.type AS type, c.args AS args, c.status AS status, c.sources AS sources,
  p.held AS held, p.state AS state, p.since AS since, p.until AS until,
  (SELECT min(substr(a.published, 1, 10)) FROM evidence e JOIN articles a ON a.id = e.article_id
    WHERE e.claim_id = c.id) AS first_published,
  (SELECT max(substr(a.published, 1, 10)) FROM evidence e JOIN articles a ON a.id = e.article_id
    WHERE e.claim_id = c.id) AS last_published,
  c.first_fetched AS first_fetched, c.last_fetched AS last_fetched,
  r.verdict AS review, r.reviewer AS reviewed_by, substr(r.at, 1, 10) AS reviewed_on,
  (SELECT v.status || ' on ' || substr(v.checked_at, 1, 10) FROM verifications v WHERE v.claim_key = c.key
    ORDER BY v.checked_at DESC, v.id DESC LIMIT 1) AS last_check
FROM claims c
LEFT JOIN positions p ON p.claim_id = c.id
LEFT JOIN latest_reviews r ON r.claim_key = c.key;
"""


def _extend_for_trail(conn: sqlite3.Connection) -> None:
    """Add the issue-12 columns where missing, then its tables and views (idempotent)."""
    added = set()
    for table, cols in TRAIL_COLUMNS.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        for col, decl in cols.items():
            if col not in have:
                conn.execute(f'ALTER TABLE {table} ADD COLUMN "{col}" {decl}')
                added.add((table, col))
    for stmt in _split_sql(TRAIL_SCHEMA):
        conn.execute(stmt)
    # rows stored before: selectors and fetch data from their article, positions summed up
    if ("evidence", "quote_prefix") in added or ("evidence", "quote_suffix") in added:
        conn.execute(
            "UPDATE evidence SET"
            " quote_prefix = (SELECT substr(a.text, max(evidence.start - 32, 0) + 1,"
            "   evidence.start - max(evidence.start - 32, 0)) FROM articles a WHERE a.id = evidence.article_id),"
            " quote_suffix = (SELECT substr(a.text, evidence.\"end\" + 1, 32) FROM articles a"
            "   WHERE a.id = evidence.article_id),"
            " content_hash = (SELECT a.content_hash FROM articles a WHERE a.id = evidence.article_id),"
            " fetched_at = (SELECT a.fetched_at FROM articles a WHERE a.id = evidence.article_id)")
    if ("claims", "first_fetched") in added or ("claims", "last_fetched") in added:
        conn.execute("UPDATE claims SET first_fetched = (SELECT min(coalesce(e.fetched_at, a.fetched_at)) FROM evidence e"
                     " JOIN articles a ON a.id = e.article_id WHERE e.claim_id = claims.id),"
                     " last_fetched = (SELECT max(a.fetched_at) FROM evidence e JOIN articles a ON a.id = e.article_id"
                     " WHERE e.claim_id = claims.id)")
    if ("positions", "held") in added:
        from pipeline import timeline

        timeline.refresh_positions(conn, [r[0] for r in conn.execute("SELECT claim_id FROM positions")])


def _split_sql(script: str) -> list[str]:
    """Split the schema into statements (``executescript`` would COMMIT our transaction)."""
    out, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        if sqlite3.complete_statement("\n".join(buf)):
            stmt = "\n".join(buf).strip()
            if stmt:
                out.append(stmt)
            buf = []
    return out


# -- small helpers ----------------------------------------------------------------------


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _iso_in(seconds: float) -> str:
    t = _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@functools.lru_cache(maxsize=2)
def corporate_suffixes(scoring: bool = False) -> frozenset[str]:
    """The one list of company-form words folded off names (``models/names.json``
    ``corporate_suffixes``): by the store's normalized names, the resolver and eval.
    ``scoring=True`` leaves out those ../shared/eval/score.py keeps (``scorer_keeps``), so
    that eval's figures are the referee's."""
    from pipeline.config import MODELS_DIR

    data = json.loads((MODELS_DIR / "names.json").read_text(encoding="utf-8"))
    words = frozenset(data["corporate_suffixes"])
    return words - frozenset(data.get("scorer_keeps", ())) if scoring else words


_PUNCT = re.compile(r"[.,;:!?\"()\[\]{}]")
_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Casefold, drop possessives, punctuation, a leading "the" and trailing corporate
    suffixes: "Xiaomi Corp.'s" -> "xiaomi"."""
    s = unicodedata.normalize("NFKC", str(name)).replace("\u2019", "'").replace("\x00", "")
    s = s.casefold().strip()
    s = re.sub(r"'s\b", "", s)
    s = s.replace("'", "")
    s = _PUNCT.sub(" ", s)
    s = _SPACES.sub(" ", s).strip()
    words = s.split(" ")
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    suffixes = corporate_suffixes()
    while len(words) > 1 and words[-1] in suffixes:
        words = words[:-1]
    return " ".join(words)


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def content_hash_of(text: str) -> str:
    norm = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


# -- near-duplicate fingerprints (MinHash with banding) ---------------------------------

_NUM_PERM = 64
_BANDS = 16
_ROWS = _NUM_PERM // _BANDS
_SHINGLE = 4
_MIN_WORDS = 40  # shorter texts (stubs) are never linked as syndicated copies
SYNDICATION_THRESHOLD = 0.7  # estimated Jaccard similarity of word 4-shingles
_MERSENNE = (1 << 61) - 1


def _perms():
    import numpy as np

    rng = np.random.RandomState(20240601)
    a = rng.randint(1, 1 << 30, size=_NUM_PERM, dtype=np.uint64)
    b = rng.randint(0, 1 << 30, size=_NUM_PERM, dtype=np.uint64)
    return a, b


_PERM_CACHE: list = []


def minhash(text: str) -> list[int] | None:
    """64 MinHash values over word 4-shingles, or None for texts too short to compare."""
    import numpy as np

    words = re.findall(r"\w+", text.casefold())
    if len(words) < _MIN_WORDS:
        return None
    if not _PERM_CACHE:
        _PERM_CACHE.append(_perms())
    a, b = _PERM_CACHE[0]
    shingles = {" ".join(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}
    h = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little") for s in shingles),
        dtype=np.uint64,
        count=len(shingles),
    )
    # (a*h + b) mod 2^32 with 30-bit a and 32-bit h stays far below 2^64: no overflow.
    vals = (np.outer(h, a) + b) & np.uint64(0xFFFFFFFF)
    return [int(v) for v in vals.min(axis=0)]


def _bands(sig: list[int]) -> list[tuple[int, int]]:
    out = []
    for i in range(_BANDS):
        chunk = ",".join(str(v) for v in sig[i * _ROWS : (i + 1) * _ROWS]).encode()
        out.append((i, int.from_bytes(hashlib.blake2b(chunk, digest_size=7).digest(), "little")))
    return out


def _similarity(sig1: list[int], sig2: list[int]) -> float:
    return sum(1 for x, y in zip(sig1, sig2) if x == y) / len(sig1)


# -- entities and aliases ---------------------------------------------------------------

def resolve(db: sqlite_utils.Database, name: str) -> tuple[int, str, str] | None:
    """(entity id, canonical name, canonical normalized name) for a name or alias."""
    norm = normalize_name(name)
    if not norm:
        return None
    row = db.execute(
        "SELECT e.id, e.name, e.normalized FROM aliases a JOIN entities e ON e.id = a.entity_id"
        " WHERE a.normalized = ?",
        [norm],
    ).fetchone()
    return (row[0], row[1], row[2]) if row else None


def entity_norms(db: sqlite_utils.Database, name: str) -> list[str]:
    """Every normalized name an entity goes by (for lookups by any alias, any case)."""
    norm = normalize_name(name)
    if not norm:
        return []
    hit = resolve(db, name)
    if not hit:
        return [norm]
    rows = db.execute("SELECT normalized FROM aliases WHERE entity_id = ?", [hit[0]]).fetchall()
    return sorted({norm, hit[2], *(r[0] for r in rows)})


def _create_entity(conn: sqlite3.Connection, name: str, label: str | None, norm: str) -> int:
    cur = conn.execute(
        "INSERT INTO entities (name, label, normalized) VALUES (?, ?, ?)", [name.strip(), label, norm]
    )
    eid = cur.lastrowid
    conn.execute(
        "INSERT OR IGNORE INTO aliases (entity_id, alias, normalized) VALUES (?, ?, ?)", [eid, name.strip(), norm]
    )
    return eid


def _ensure_entity(conn: sqlite3.Connection, name: str, label: str | None, aliases: Iterable[str],
                   changed: set[str]) -> None:
    """Register a canonical entity and its aliases. A bare-mention entity (no aliases of
    its own) that an article now defines as an alias is merged in; claims that named it
    are re-keyed afterwards (their old normalized names are added to ``changed``)."""
    norm = normalize_name(name)
    if not norm:
        return
    names = [(name, norm)] + [(a, normalize_name(a)) for a in aliases if normalize_name(a)]

    def owner(n: str):
        return conn.execute(
            "SELECT e.id, e.name, e.normalized, e.label FROM aliases a JOIN entities e ON e.id = a.entity_id"
            " WHERE a.normalized = ?", [n]).fetchone()

    def weak(eid: int) -> bool:
        return conn.execute("SELECT count(*) FROM aliases WHERE entity_id = ?", [eid]).fetchone()[0] <= 1

    target = owner(norm)
    if target is None:
        # the canonical name is new; adopt a weak entity found under one of the aliases
        for a, n in names[1:]:
            o = owner(n)
            if o is not None and weak(o[0]):
                changed.add(o[2])
                conn.execute("UPDATE entities SET name = ?, normalized = ?, label = coalesce(label, ?) WHERE id = ?",
                             [name.strip(), norm, label, o[0]])
                conn.execute("INSERT OR IGNORE INTO aliases (entity_id, alias, normalized) VALUES (?, ?, ?)",
                             [o[0], name.strip(), norm])
                target = owner(norm)
                break
        if target is None:
            _create_entity(conn, name, label, norm)
            target = owner(norm)
    tid = target[0]
    if target[3] is None and label:
        conn.execute("UPDATE entities SET label = ? WHERE id = ?", [label, tid])
    for a, n in names[1:]:
        o = owner(n)
        if o is None:
            conn.execute("INSERT INTO aliases (entity_id, alias, normalized) VALUES (?, ?, ?)", [tid, a.strip(), n])
        elif o[0] != tid and weak(o[0]):
            changed.add(o[2])
            conn.execute("UPDATE aliases SET entity_id = ? WHERE entity_id = ?", [tid, o[0]])
            conn.execute("DELETE FROM entities WHERE id = ?", [o[0]])


def _resolve_arg(conn: sqlite3.Connection, value: str, label: str) -> tuple[str, str]:
    """(display name, key) of an entity argument, creating a bare entity when unseen."""
    norm = normalize_name(value)
    if not norm:
        return value, ""
    row = conn.execute(
        "SELECT e.name, e.normalized FROM aliases a JOIN entities e ON e.id = a.entity_id WHERE a.normalized = ?",
        [norm]).fetchone()
    if row:
        return row[0], row[1]
    _create_entity(conn, value, label, norm)
    return value.strip(), norm


def _canonical(conn: sqlite3.Connection, rtype: str, args: dict[str, Any]):
    """Claim key, display args and per-role normalized names of one relation.

    The key is the registry's identity (``registry.key_args``) with entities resolved to
    their canonical names; every entity argument (in the key or not) is shown by its
    canonical name and listed in ``claim_names`` for lookups by name."""
    rt = registry.lookup(rtype, args)
    display = dict(args)
    names: dict[str, str] = {}
    for arg, label in rt.entity_args.items():
        v = registry.clean_value(rt, arg, args.get(arg))
        if isinstance(v, str):
            display[arg], names[arg] = _resolve_arg(conn, v, label)
    known = {registry.clean_value(rt, arg, display[arg]): norm for arg, norm in names.items()}
    key_args = registry.key_args(rtype, display, entity=lambda v, label: known[v] if v in known else (
        normalize_name(v) and _resolve_arg(conn, v, label)[1]))
    key = rtype + "|" + json.dumps(key_args, sort_keys=True, ensure_ascii=False, default=str)
    return key, display, names


def claim_key_of(db_or_conn, rtype: str, args: dict[str, Any]) -> str:
    """The claim key a relation has in this database, read only: names resolved through
    the aliases known here (an unknown name by its normalized form), nothing created."""
    conn = db_or_conn.conn if isinstance(db_or_conn, sqlite_utils.Database) else db_or_conn
    rt = registry.lookup(rtype, args)

    def entity(value: str, label: str) -> str:
        norm = normalize_name(value)
        row = conn.execute("SELECT e.normalized FROM aliases a JOIN entities e ON e.id = a.entity_id"
                           " WHERE a.normalized = ?", [norm]).fetchone() if norm else None
        return row[0] if row else norm

    key_args = registry.key_args(rt.name, args, entity=entity)
    return rtype + "|" + json.dumps(key_args, sort_keys=True, ensure_ascii=False, default=str)


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def _claim_id_for(conn: sqlite3.Connection, rtype: str, args: dict[str, Any]) -> int:
    """The claim of this relation, created when new. A claim found again takes the
    arguments its first quote left open (the giver, the year) from this one."""
    key, display, names = _canonical(conn, rtype, args)
    row = conn.execute("SELECT id, args FROM claims WHERE key = ?", [key]).fetchone()
    if row:
        old = json.loads(row[1])
        filled = {k: v for k, v in display.items() if _empty(old.get(k)) and not _empty(v)}
        if filled:
            _, merged, merged_names = _canonical(conn, rtype, old | filled)
            conn.execute("UPDATE claims SET args = ? WHERE id = ?",
                         [json.dumps(merged, ensure_ascii=False, sort_keys=True, default=str), row[0]])
            _write_typed(conn, row[0], rtype, merged, merged_names)
        return row[0]
    cid = conn.execute(
        "INSERT INTO claims (type, key, args) VALUES (?, ?, ?)",
        [rtype, key, json.dumps(display, ensure_ascii=False, sort_keys=True, default=str)],
    ).lastrowid
    _write_typed(conn, cid, rtype, display, names)
    return cid


# -- typed tables: one row per claim, for easy SQL (DESIGN.md) -------------------------------
# positions, awards and investments are in SCHEMA; a type added to the registry with a
# ``table`` gets one made from its arguments the first time a claim of it is stored.


def _typed_columns(rt: registry.RelationType) -> dict[str, str]:
    """Column -> SQL type of a type's table, from its arguments."""
    cols: dict[str, str] = {}
    for arg, spec in rt.args.items():
        kind = rt.kind(arg)
        if kind == "amount":
            c = spec.get("columns") or {}
            cols.update({c.get("value", f"{arg}_value"): "REAL", c.get("currency", f"{arg}_currency"): "TEXT",
                         c.get("approximate", f"{arg}_approximate"): "INTEGER", c.get("text", f"{arg}_text"): "TEXT"})
        else:
            cols[arg] = "INTEGER" if kind == "year" else "TEXT"
    cols.update({f"{arg}_key": "TEXT" for arg in rt.entity_args})
    return cols


def _ensure_typed_table(conn: sqlite3.Connection, rt: registry.RelationType) -> set[str]:
    """The columns of a type's table, creating the table (and a list argument's side table)
    when missing: a new type needs no schema change."""
    have = {r[1] for r in conn.execute(f'PRAGMA table_info("{rt.table}")')}
    cols = _typed_columns(rt)
    if not have:
        decl = ", ".join(f'"{c}" {t}' for c, t in cols.items())
        conn.execute(f'CREATE TABLE IF NOT EXISTS "{rt.table}" (claim_id INTEGER PRIMARY KEY'
                     f' REFERENCES claims(id) ON DELETE CASCADE, {decl})')
    for c, t in cols.items():  # an argument the registry added to a type: its column
        if have and c not in have:
            conn.execute(f'ALTER TABLE "{rt.table}" ADD COLUMN "{c}" {t}')
    new = set(cols) - have
    for arg in rt.entity_args:
        if f"{arg}_key" in new:
            conn.execute(f'CREATE INDEX IF NOT EXISTS "idx_{rt.table}_{arg}_key" ON "{rt.table}"("{arg}_key")')
    have = have | {"claim_id", *cols}
    for arg, spec in rt.args.items():
        if rt.is_list(arg) and spec.get("table"):
            conn.execute(f'CREATE TABLE IF NOT EXISTS "{spec["table"]}" (claim_id INTEGER NOT NULL REFERENCES'
                         f' claims(id) ON DELETE CASCADE, "{arg}" TEXT NOT NULL, PRIMARY KEY ("{arg}", claim_id))'
                         " WITHOUT ROWID")
    return have


def _typed_row(rt: registry.RelationType, a: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for arg, spec in rt.args.items():
        v, kind = a.get(arg), rt.kind(arg)
        if kind == "amount":
            m = v if isinstance(v, dict) else {}
            c = spec.get("columns") or {}
            row[c.get("value", f"{arg}_value")] = m.get("value")
            row[c.get("currency", f"{arg}_currency")] = m.get("currency")
            row[c.get("approximate", f"{arg}_approximate")] = (None if m.get("approximate") is None
                                                               else int(bool(m.get("approximate"))))
            row[c.get("text", f"{arg}_text")] = m.get("text")
        elif kind == "technologies":
            items = list(v) if isinstance(v, (list, tuple)) else ([v] if v else [])
            row[arg] = json.dumps(items, ensure_ascii=False)
        elif kind == "year":
            try:
                row[arg] = int(v) if v is not None else None
            except (TypeError, ValueError):
                row[arg] = None
        elif kind == "values":
            row[arg] = (v or "").casefold() or None if isinstance(v, str) or v is None else v
        else:
            row[arg] = v if v is None or isinstance(v, (str, int, float)) else json.dumps(v, ensure_ascii=False)
    row.update({f"{arg}_key": names.get(arg) for arg in rt.entity_args})
    return row


def _write_typed(conn: sqlite3.Connection, cid: int, rtype: str, a: dict[str, Any], names: dict[str, str]) -> None:
    conn.execute("DELETE FROM claim_names WHERE claim_id = ?", [cid])
    for role, norm in names.items():
        if norm:
            conn.execute("INSERT INTO claim_names (claim_id, role, norm) VALUES (?, ?, ?)", [cid, role, norm])
    rt = registry.lookup(rtype, a)
    if not rt.table:
        return
    have = _ensure_typed_table(conn, rt)
    row = {k: v for k, v in _typed_row(rt, a, names).items() if k in have}
    cols = ", ".join(f'"{c}"' for c in row)
    # UPSERT, not REPLACE: columns kept by others (a position's state and years) stay
    conn.execute(f'INSERT INTO "{rt.table}" (claim_id, {cols}) VALUES (?{", ?" * len(row)})'
                 f' ON CONFLICT(claim_id) DO UPDATE SET ' + ", ".join(f'"{c}" = excluded."{c}"' for c in row),
                 [cid, *row.values()])
    for arg, spec in rt.args.items():
        if rt.is_list(arg) and spec.get("table"):
            conn.execute(f'DELETE FROM "{spec["table"]}" WHERE claim_id = ?', [cid])
            items = a.get(arg)
            items = items if isinstance(items, (list, tuple)) else ([items] if items else [])
            for t in {str(t).casefold() for t in items}:
                conn.execute(f'INSERT OR IGNORE INTO "{spec["table"]}" (claim_id, "{arg}") VALUES (?, ?)', [cid, t])


def _rekey(conn: sqlite3.Connection, changed: set[str], touched: set[int], ids: Iterable[int] | None = None) -> None:
    """Re-key claims that named an entity whose canonical form just changed (or the claims
    ``ids``); merge a claim into an existing one when the new key collides. Analyst
    verdicts and source checks are keyed by the claim key: they follow it."""
    if ids is None:
        if not changed:
            return
        ids = [r[0] for r in conn.execute(
            "SELECT DISTINCT claim_id FROM claim_names WHERE norm IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(changed))])]
    trail = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name IN ('reviews', 'verifications')")}
    for cid in ids:
        row = conn.execute("SELECT type, args, key FROM claims WHERE id = ?", [cid]).fetchone()
        if row is None:
            continue
        rtype, args, old_key = row[0], json.loads(row[1]), row[2]
        key, display, names = _canonical(conn, rtype, args)
        other = conn.execute("SELECT id FROM claims WHERE key = ? AND id != ?", [key, cid]).fetchone()
        if other:
            conn.execute("UPDATE evidence SET claim_id = ? WHERE claim_id = ?", [other[0], cid])
            conn.execute("DELETE FROM claims WHERE id = ?", [cid])
            touched.discard(cid)
            touched.add(other[0])
        else:
            conn.execute("UPDATE claims SET key = ?, args = ? WHERE id = ?",
                         [key, json.dumps(display, ensure_ascii=False, sort_keys=True, default=str), cid])
            _write_typed(conn, cid, rtype, display, names)
            touched.add(cid)
        if key != old_key:
            for table in sorted(trail):
                conn.execute(f"UPDATE OR IGNORE {table} SET claim_key = ? WHERE claim_key = ?", [key, old_key])


_REFRESH_SQL = """
UPDATE claims SET
  evidence_count = agg.n,
  first_seen = agg.first_seen,
  last_seen = agg.last_seen,
  sources = agg.sources,
  max_confidence = agg.maxc,
  status = agg.status
FROM (
  SELECT count(*) AS n,
         min(a.date) AS first_seen,
         max(a.date) AS last_seen,
         count(DISTINCT a.source_key) AS sources,
         max(e.confidence) AS maxc,
         CASE WHEN sum(e.status = 'asserted') > 0 THEN 'asserted'
              WHEN sum(e.status = 'planned') > 0 THEN 'planned'
              ELSE 'hedged' END AS status
  FROM evidence e JOIN articles a ON a.id = e.article_id
  WHERE e.claim_id = :cid
) AS agg
WHERE claims.id = :cid
"""


def refresh_claims(db_or_conn, claim_ids: Iterable[int]) -> None:
    """Recompute sources, dates, confidence and status; drop claims left without evidence."""
    conn = db_or_conn.conn if isinstance(db_or_conn, sqlite_utils.Database) else db_or_conn
    claim_ids = sorted(set(claim_ids))  # read twice below
    for cid in claim_ids:
        n = conn.execute("SELECT count(*) FROM evidence WHERE claim_id = ?", [cid]).fetchone()[0]
        if n == 0:
            conn.execute("DELETE FROM claims WHERE id = ?", [cid])
        else:
            conn.execute(_REFRESH_SQL, {"cid": cid})
    from pipeline import timeline  # issue 12: a position's state and years from its latest evidence

    timeline.refresh_positions(conn, claim_ids)


# -- articles ---------------------------------------------------------------------------


def article_exists(db: sqlite_utils.Database, *, url: str | None = None, guid: str | None = None,
                   feed_url: str | None = None, content_hash: str | None = None) -> str | None:
    """Canonical URL of the stored article known by this URL, GUID or content hash.

    A GUID identifies an entry within its feed only (two feeds may both number their
    items "1", "2", "3"), so it is looked up together with ``feed_url``. An article
    whose text came from another origin through a canonical link does not count as
    stored under that URL: its owner's own page is still fetched (and may replace it).
    """
    q = [
        (url, "SELECT url, fetched_url FROM articles WHERE url = ?", [url]),
        (url, "SELECT a.url, NULL FROM article_urls u JOIN articles a ON a.id = u.article_id WHERE u.url = ?", [url]),
        (guid and feed_url, "SELECT url, NULL FROM articles WHERE guid = ? AND feed_url = ? LIMIT 1", [guid, feed_url]),
        (content_hash, "SELECT url, NULL FROM articles WHERE content_hash = ? AND text != '' LIMIT 1",
         [content_hash]),
    ]
    with translate_errors():
        for wanted, sql, params in q:
            if wanted:
                row = db.execute(sql, params).fetchone()
                if row and not (row[1] and origin_of(row[1]) != origin_of(row[0])):
                    return row[0]
    return None


def origin_of(url: str) -> str:
    """Host and port of a URL: whose server wrote a text. ``http`` and ``https`` on
    their default ports are one origin (a site moving to TLS is still itself)."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port in (None, 80, 443) else f"{host}:{port}"


def placed(db_or_conn, article: Article) -> Article:
    """The article as it may be stored: a canonical link may merge URLs, but never let
    one origin overwrite another's stored text.

    A page names another origin's URL as its canonical (same registrable domain, or
    the extractor would not have honoured it). It may take that URL while nothing is
    stored there, or when the stored text came from the same origin; the canonical
    URL's own origin may always (re)write it. Otherwise the page is what it is, a page
    of its own origin, and is stored under its own URL (where an identical stored text
    still merges it by content hash).
    """
    conn = db_or_conn.conn if isinstance(db_or_conn, sqlite_utils.Database) else db_or_conn
    if not article.fetched_url:
        return article
    mine = origin_of(article.fetched_url)
    if mine == origin_of(article.url):
        return article
    with translate_errors():
        row = conn.execute("SELECT fetched_url FROM articles WHERE url = ?", [article.url]).fetchone()
    if row is None or origin_of(row[0] or article.url) == mine:
        return article
    return own_page(article)


def own_page(article: Article) -> Article:
    """The article keyed by the URL it was fetched from, its canonical link ignored."""
    from dataclasses import replace

    from pipeline.urls import canonicalize, site_of

    url = canonicalize(article.fetched_url or article.url)
    site = site_of(url) if article.site == site_of(article.url) else article.site
    return replace(article, url=url, fetched_url=None, site=site)


def _result_hash(article: Article, result: DocResult | None) -> str:
    payload = {
        "a": [article.title, article.author, article.published, article.site, article.language,
              article.feed_url, article.guid, article.skip_reason, article.fetched_url],
        "r": [r.to_json() | {"c": r.confidence} for r in result.relations] if result else None,
        "e": [[e.name, e.label, list(e.aliases)] for e in result.entities] if result else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _article_date(published: str | None, fetched_at: str | None) -> str | None:
    """YYYY-MM-DD of the article: its publication date, else the day we fetched it."""
    for value in (published, fetched_at):
        if value and re.match(r"\d{4}-\d{2}-\d{2}", str(value)):
            return str(value)[:10]
    return None


def _locate(text: str, sentence: str, start: int, end: int) -> tuple[int, int]:
    """Offsets such that text[start:end] == sentence, repairing them if the extractor
    shifted them (the sentence is kept either way)."""
    if 0 <= start <= end <= len(text) and text[start:end] == sentence:
        return start, end
    i = text.find(sentence, max(0, start - 200)) if sentence else -1
    if i < 0 and sentence:
        i = text.find(sentence)
    return (i, i + len(sentence)) if i >= 0 else (start, end)


def write_article(db: sqlite_utils.Database, article: Article, result: DocResult | None,
                  run_id: int | None = None, *, unplaced: list[str] | None = None) -> int:
    """Store one article and replace its evidence, in ONE ``BEGIN IMMEDIATE`` transaction.

    Returns the article id. A second URL with the same content hash returns the stored
    article's id (the URL is remembered in ``article_urls``); writing the same article and
    result twice changes nothing (``run_id`` records the run that last changed it).

    Where the article is stored is decided by :func:`placed` (a canonical link never
    lets one origin overwrite another's text). Evidence whose sentence is not in this
    text is not stored (``text[start:end] == sentence`` holds for every row); such
    sentences are appended to ``unplaced`` for the caller to record."""
    text = article.text or ""
    chash = article.content_hash or (content_hash_of(text) if text.strip() else "")
    sig = minhash(text) if text.strip() else None
    conn = db.conn
    with immediate(db):
        article = placed(conn, article)
        rhash = _result_hash(article, result)
        existing = conn.execute("SELECT id, content_hash, result_hash FROM articles WHERE url = ?",
                                [article.url]).fetchone()
        if existing is None and text.strip() and chash:
            dup = conn.execute("SELECT id FROM articles WHERE content_hash = ? AND text != '' LIMIT 1",
                               [chash]).fetchone()
            if dup is None:  # this URL's content changed: it is an article of its own now
                conn.execute("DELETE FROM article_urls WHERE url = ?", [article.url])
            else:
                conn.execute("INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
                             [article.url, dup[0]])
                if article.fetched_url and article.fetched_url != article.url:
                    conn.execute("INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
                                 [article.fetched_url, dup[0]])
                return dup[0]
        if existing is not None and existing[1] == chash and existing[2] == rhash:
            from pipeline import timeline  # issue 12: newsev saw these claims again

            timeline.seen_again(conn, existing[0], article.fetched_at or _now())
            return existing[0]  # nothing changed: leave every row as it is

        host = host_of(article.url)
        syndication_of = None
        if sig is not None:
            syndication_of = _find_syndication(conn, sig, exclude=existing[0] if existing else None)
        if syndication_of is not None:
            root = conn.execute("SELECT coalesce(syndication_of, id) FROM articles WHERE id = ?",
                                [syndication_of]).fetchone()[0]
            syndication_of = None if existing is not None and root == existing[0] else root
        if syndication_of is not None:
            source_key = conn.execute("SELECT source_key FROM articles WHERE id = ?", [syndication_of]).fetchone()[0]
        else:  # one outlet = its site name (several outlets may share a host), else its host
            source_key = _SPACES.sub(" ", (article.site or "").strip().casefold()) or host or article.url
        values = {
            "url": article.url, "title": article.title, "author": article.author,
            "published": article.published, "site": article.site, "host": host,
            "language": article.language, "text": text, "content_hash": chash or None,
            "fingerprint": json.dumps(sig) if sig else None,
            "fetched_at": article.fetched_at or _now(), "fetched_url": article.fetched_url,
            "feed_url": article.feed_url, "guid": article.guid, "skip_reason": article.skip_reason,
            "syndication_of": syndication_of, "source_key": source_key, "result_hash": rhash,
        }
        values["date"] = _article_date(article.published, values["fetched_at"])
        values["run_id"] = run_id
        cols = list(values)
        aid = conn.execute(
            f"INSERT INTO articles ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
            f" ON CONFLICT(url) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols if c != 'url')}"
            " RETURNING id",
            values,
        ).fetchone()[0]
        if article.fetched_url and article.fetched_url != article.url:
            conn.execute("INSERT OR REPLACE INTO article_urls (url, article_id) VALUES (?, ?)",
                         [article.fetched_url, aid])
        conn.execute("DELETE FROM article_bands WHERE article_id = ?", [aid])
        if sig is not None:
            conn.executemany("INSERT OR IGNORE INTO article_bands (band, value, article_id) VALUES (?, ?, ?)",
                             [(b, v, aid) for b, v in _bands(sig)])

        touched = {r[0] for r in conn.execute("SELECT DISTINCT claim_id FROM evidence WHERE article_id = ?", [aid])}
        from pipeline import annotation, watch  # issue 12: quote selectors and watchlist alerts

        before = watch.snapshot(conn, aid)
        conn.execute("DELETE FROM evidence WHERE article_id = ?", [aid])
        if result is not None and not article.skip_reason:
            changed: set[str] = set()
            for ent in result.entities:
                _ensure_entity(conn, ent.name, ent.label, ent.aliases, changed)
            _rekey(conn, changed, touched)
            rows = []
            for rel in result.relations:
                cid = _claim_id_for(conn, rel.type, rel.args)
                touched.add(cid)
                for ev in rel.evidence:
                    s, e = _locate(text, ev.sentence, ev.start, ev.end)
                    if text[s:e] != ev.sentence:  # not this text's sentence: never stored as its evidence
                        if unplaced is not None:
                            unplaced.append(ev.sentence)
                        continue
                    rows.append((cid, aid, ev.sentence, s, e, float(rel.confidence), rel.extractor_version,
                                 rel.status, rel.attributed_to)
                                + annotation.stored_selector(text, s, e)  # issue 12: prefix, suffix
                                + (json.dumps(rel.time, sort_keys=True) if rel.time is not None else None,
                                   json.dumps(list(ev.rules)) if ev.rules else None,
                                   chash or None, values["fetched_at"]))
            conn.executemany(
                'INSERT INTO evidence (claim_id, article_id, sentence, start, "end", confidence,'
                " extractor_version, status, attributed_to, quote_prefix, quote_suffix, time, rules,"
                " content_hash, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            from pipeline import timeline  # issue 12: first/last fetch, alerts for watched entities

            timeline.seen_again(conn, aid, values["fetched_at"])
            watch.record_alerts(conn, aid, before, run_id)
        refresh_claims(conn, touched)
        return aid


def _find_syndication(conn: sqlite3.Connection, sig: list[int], exclude: int | None) -> int | None:
    """The stored article this text nearly duplicates (banded MinHash candidates only)."""
    bands = _bands(sig)
    cands = conn.execute(
        "SELECT DISTINCT b.article_id FROM json_each(?) j"
        " JOIN article_bands b ON b.band = json_extract(j.value, '$[0]') AND b.value = json_extract(j.value, '$[1]')"
        " LIMIT 50",
        [json.dumps(bands)]).fetchall()
    best, best_sim = None, SYNDICATION_THRESHOLD
    for (cid,) in cands:
        if cid == exclude:
            continue
        fp = conn.execute("SELECT fingerprint, syndication_of FROM articles WHERE id = ?", [cid]).fetchone()
        if not fp or not fp[0] or (exclude is not None and fp[1] == exclude):
            continue
        sim = _similarity(sig, json.loads(fp[0]))
        if sim >= best_sim:
            best, best_sim = cid, sim
    return best


def delete_article(db: sqlite_utils.Database, url: str) -> bool:
    """Remove one article and its evidence; claims left without evidence go too."""
    with immediate(db):
        row = db.conn.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
        if not row:
            return False
        touched = {r[0] for r in db.conn.execute("SELECT DISTINCT claim_id FROM evidence WHERE article_id = ?", [row[0]])}
        db.conn.execute("DELETE FROM evidence WHERE article_id = ?", [row[0]])
        db.conn.execute("UPDATE articles SET syndication_of = NULL WHERE syndication_of = ?", [row[0]])
        db.conn.execute("DELETE FROM articles WHERE id = ?", [row[0]])
        refresh_claims(db.conn, touched)
    return True


# -- feeds ------------------------------------------------------------------------------


def get_feed_state(db: sqlite_utils.Database, url: str) -> tuple[str | None, str | None]:
    """(etag, last_modified) to send with the next conditional GET."""
    with translate_errors():
        row = db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", [url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def save_feed_state(db: sqlite_utils.Database, poll: FeedPoll, name: str | None = None) -> None:
    """Remember the validators of a poll; a 304 or an error keeps the previous ones."""
    status = str(poll.status) if poll.status is not None else (poll.error.error_class if poll.error else None)
    err = f"{poll.error.error_class}: {poll.error.message}" if poll.error else None
    with immediate(db):
        db.conn.execute(
            "INSERT INTO feeds (url, name, etag, last_modified, last_status, last_error, last_polled)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET name = coalesce(excluded.name, name),"
            " etag = coalesce(excluded.etag, etag), last_modified = coalesce(excluded.last_modified, last_modified),"
            " last_status = excluded.last_status, last_error = excluded.last_error, last_polled = excluded.last_polled",
            [poll.feed_url, name, poll.etag, poll.last_modified, status, err, _now()])


# -- runs and errors --------------------------------------------------------------------


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child not yet reaped is a zombie: dead for our purposes
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def start_run(db: sqlite_utils.Database, kind: str, *, lease_seconds: int = 3600, exclusive: bool = True) -> int:
    """Start a run and take its lease. An exclusive ingest refuses to start while another
    ingest holds an unexpired lease (``RunLeaseHeld``); a lease whose time is up, or whose
    process is dead on this host, is taken over and that run marked ``abandoned``."""
    host = socket.gethostname()
    now = _now()
    with immediate(db):
        conn = db.conn
        if exclusive and kind == "ingest":
            for rid, pid, rhost, expires in conn.execute(
                "SELECT id, pid, host, lease_expires FROM runs WHERE kind = ? AND status = 'running'", [kind]
            ).fetchall():
                dead = (expires is not None and expires < now) or (rhost == host and not _pid_alive(pid))
                if dead:
                    conn.execute("UPDATE runs SET status = 'abandoned', finished_at = ?, lease_expires = NULL"
                                 " WHERE id = ?", [now, rid])
                else:
                    raise RunLeaseHeld(
                        f"ingest run {rid} (pid {pid} on {rhost}) holds the lease until {expires}")
        return conn.execute(
            "INSERT INTO runs (kind, started_at, status, pid, host, lease_seconds, lease_expires)"
            " VALUES (?, ?, 'running', ?, ?, ?, ?)",
            [kind, now, os.getpid(), host, lease_seconds, _iso_in(lease_seconds)]).lastrowid


def heartbeat(db: sqlite_utils.Database, run_id: int) -> None:
    """Extend a running run's lease by its lease length."""
    with immediate(db):
        row = db.conn.execute("SELECT lease_seconds FROM runs WHERE id = ?", [run_id]).fetchone()
        if row:
            db.conn.execute("UPDATE runs SET lease_expires = ? WHERE id = ? AND status = 'running'",
                            [_iso_in(row[0] or 3600), run_id])


def finish_run(db: sqlite_utils.Database, run_id: int, counts: dict, status: str) -> None:
    """Close a run: counts, final status, error count; releases the lease."""
    with immediate(db):
        n = db.conn.execute("SELECT count(*) FROM fetch_errors WHERE run_id = ?", [run_id]).fetchone()[0]
        db.conn.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ?, errors = ?, lease_expires = NULL WHERE id = ?",
            [_now(), status, json.dumps(counts or {}, sort_keys=True, default=str), n, run_id])


def list_runs(db: sqlite_utils.Database, limit: int = 20) -> list[dict]:
    """Most recent runs first, with their counts (dict) and number of errors."""
    with translate_errors():
        rows = db.execute(
            "SELECT r.id, r.kind, r.started_at, r.finished_at, r.status, r.counts, r.pid, r.host, r.lease_expires,"
            " (SELECT count(*) FROM fetch_errors f WHERE f.run_id = r.id) AS error_count"
            " FROM runs r ORDER BY r.id DESC LIMIT ?", [int(limit)]).fetchall()
    keys = ["id", "kind", "started_at", "finished_at", "status", "counts", "pid", "host", "lease_expires", "errors"]
    out = []
    for r in rows:
        d = dict(zip(keys, r))
        d["counts"] = json.loads(d["counts"]) if d["counts"] else {}
        out.append(d)
    return out


def run_errors(db: sqlite_utils.Database, run_id: int) -> list[dict]:
    """The fetch_errors rows of one run, oldest first."""
    with translate_errors():
        return list(db.query("SELECT id, run_id, url, stage, error_class, message, at FROM fetch_errors"
                             " WHERE run_id = ? ORDER BY id", [run_id]))


def record_error(db: sqlite_utils.Database, run_id: int | None, err: FetchError) -> None:
    """Remember one failed item; the run goes on."""
    with immediate(db):
        db.conn.execute(
            "INSERT INTO fetch_errors (run_id, url, stage, error_class, message, at) VALUES (?, ?, ?, ?, ?, ?)",
            [run_id, err.url, err.stage, err.error_class, (err.message or "")[:4000], _now()])


__all__ = [
    "open_db", "write_article", "delete_article", "article_exists", "placed", "own_page", "origin_of", "get_feed_state", "save_feed_state",
    "start_run", "heartbeat", "finish_run", "list_runs", "run_errors", "record_error", "normalize_name",
    "resolve", "entity_norms", "refresh_claims", "immediate", "translate_errors", "minhash",
    "StoreError", "DatabaseBusy", "DiskFull", "RunLeaseHeld", "CorruptDatabase", "check_integrity", "content_hash_of", "host_of",
    "open_db_readonly", "NotNewsevDatabase",
]


# == polling at scale (pipeline/poller.py) =============================================
# Feed entries not yet handed on (a per-feed cap per run leaves the rest for later runs,
# and a 304 on the next poll must not lose them), robots.txt outcomes kept across runs,
# and feeds waiting after repeated timeouts. Tables are appended to SCHEMA below and
# also created on first use, so a database made before them gains them when it polls.

POLL_SCHEMA = """
CREATE TABLE IF NOT EXISTS feed_backlog (
    id INTEGER PRIMARY KEY,
    feed_url TEXT NOT NULL,
    url TEXT NOT NULL,
    guid TEXT,
    title TEXT,
    published TEXT,
    summary TEXT,
    added_at TEXT,
    UNIQUE (feed_url, url)
);
CREATE INDEX IF NOT EXISTS idx_feed_backlog_url ON feed_backlog(url);
CREATE TABLE IF NOT EXISTS robots_cache (
    origin TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    body TEXT,
    error_class TEXT,
    message TEXT,
    fetched_at TEXT,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS feed_backoff (
    url TEXT PRIMARY KEY,
    timeouts INTEGER NOT NULL,
    last_error TEXT,
    last_at TEXT,
    next_try REAL
);
"""
SCHEMA = SCHEMA + POLL_SCHEMA

from pipeline.types import FeedEntry  # noqa: E402

def ensure_poll_tables(db: sqlite_utils.Database) -> None:
    """Create the polling tables in a database made before they existed."""
    if db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
                  " ('feed_backlog', 'robots_cache', 'feed_backoff')").fetchone()[0] < 3:
        with immediate(db):
            for stmt in _split_sql(POLL_SCHEMA):
                db.conn.execute(stmt)


def feed_states(db: sqlite_utils.Database) -> dict[str, tuple[str | None, str | None]]:
    """url -> (etag, last_modified) of every known feed, in one query."""
    with translate_errors():
        return {u: (e, m) for u, e, m in db.execute("SELECT url, etag, last_modified FROM feeds")}


def load_robots(db: sqlite_utils.Database, now: float | None = None) -> list[tuple]:
    """Unexpired robots.txt records: (origin, state, body, error_class, message, expires)."""
    ensure_poll_tables(db)
    with translate_errors():
        return db.execute("SELECT origin, state, body, error_class, message, expires FROM robots_cache"
                          " WHERE expires > ?", [now if now is not None else time.time()]).fetchall()


def load_feed_backoff(db: sqlite_utils.Database) -> dict[str, tuple[int, float | None]]:
    """url -> (consecutive timeouts, epoch seconds before which the feed is not polled)."""
    ensure_poll_tables(db)
    with translate_errors():
        return {u: (n, t) for u, n, t in db.execute("SELECT url, timeouts, next_try FROM feed_backoff")}


_FEED_UPSERT = (
    "INSERT INTO feeds (url, name, etag, last_modified, last_status, last_error, last_polled)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(url) DO UPDATE SET name = coalesce(excluded.name, name),"
    " etag = coalesce(excluded.etag, etag), last_modified = coalesce(excluded.last_modified, last_modified),"
    " last_status = excluded.last_status, last_error = excluded.last_error, last_polled = excluded.last_polled")


def save_polls(db: sqlite_utils.Database, polls: Iterable[tuple[FeedPoll, str | None]], *,
               robots: Iterable[tuple] = (), backoff: Iterable[tuple] = (), keep: int = 1000) -> None:
    """Record a batch of feed outcomes in one transaction: validators and status (as
    ``save_feed_state``), their entries into the backlog (at most ``keep`` per feed,
    the newest), robots.txt records
    ``(origin, state, body, error_class, message, expires)`` and backoff changes
    ``(url, timeouts, last_error, next_try)`` (timeouts 0 deletes the row)."""
    ensure_poll_tables(db)
    now = _now()
    with immediate(db):
        conn = db.conn
        for poll, name in polls:
            status = str(poll.status) if poll.status is not None else (poll.error.error_class if poll.error else None)
            err = f"{poll.error.error_class}: {poll.error.message}" if poll.error else None
            conn.execute(_FEED_UPSERT, [poll.feed_url, name, poll.etag, poll.last_modified, status, err, now])
            conn.executemany(
                "INSERT OR IGNORE INTO feed_backlog (feed_url, url, guid, title, published, summary, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(e.feed_url, e.url, e.guid, e.title, e.published, e.summary, now) for e in poll.entries])
            if poll.entries:
                conn.execute("DELETE FROM feed_backlog WHERE feed_url = ? AND id NOT IN (SELECT id FROM feed_backlog"
                             " WHERE feed_url = ? ORDER BY published IS NULL, published DESC, id LIMIT ?)",
                             [poll.feed_url, poll.feed_url, max(1, int(keep))])
        for origin, state, body, error_class, message, expires in robots:
            conn.execute("INSERT OR REPLACE INTO robots_cache (origin, state, body, error_class, message,"
                         " fetched_at, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [origin, state, body, error_class, message, now, expires])
        for url, timeouts, last_error, next_try in backoff:
            if timeouts <= 0:
                conn.execute("DELETE FROM feed_backoff WHERE url = ?", [url])
            else:
                conn.execute("INSERT OR REPLACE INTO feed_backoff (url, timeouts, last_error, last_at, next_try)"
                             " VALUES (?, ?, ?, ?, ?)", [url, timeouts, last_error, now, next_try])


def pending_entries(db: sqlite_utils.Database, feed_urls: Iterable[str], per_feed: int) -> list[FeedEntry]:
    """Up to ``per_feed`` backlog entries of each feed, newest first (undated ones after
    dated ones, in feed order); entries whose URL is already stored are dropped first."""
    ensure_poll_tables(db)
    wanted = set(feed_urls)
    with immediate(db):
        db.conn.execute("DELETE FROM feed_backlog WHERE url IN (SELECT url FROM articles)"
                        " OR url IN (SELECT url FROM article_urls)")
    with translate_errors():
        rows = db.execute(
            "SELECT feed_url, url, guid, title, published, summary FROM ("
            " SELECT *, row_number() OVER (PARTITION BY feed_url ORDER BY published IS NULL, published DESC, id)"
            " AS rn FROM feed_backlog) WHERE rn <= ? ORDER BY feed_url, rn", [max(0, int(per_feed))]).fetchall()
    by_feed: dict[str, list[FeedEntry]] = {}
    for f, u, g, t, p, s in rows:
        if f in wanted:
            by_feed.setdefault(f, []).append(FeedEntry(feed_url=f, url=u, guid=g, title=t, published=p, summary=s))
    return [e for f in dict.fromkeys(feed_urls) for e in by_feed.get(f, [])]


def drop_pending(db: sqlite_utils.Database, entries: Iterable[FeedEntry]) -> int:
    """Remove entries from the backlog (known already, or failed for good)."""
    pairs = [(e.feed_url, e.url) for e in entries]
    if not pairs:
        return 0
    ensure_poll_tables(db)
    with immediate(db):
        before = db.conn.total_changes
        db.conn.executemany("DELETE FROM feed_backlog WHERE feed_url = ? AND url = ?", pairs)
        return db.conn.total_changes - before
# == end of polling at scale ===========================================================
