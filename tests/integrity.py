"""Invariants every evidence database must satisfy after any ingest scenario.

``check_evidence_database(path)`` is called by the autouse fixture in ``conftest.py``
on every newsev database a test wrote under pytest's temporary directory, and
directly by tests that want the failure at a precise point.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path


def evidence_slice_violations(path: str | Path) -> list[dict]:
    """Evidence rows whose offsets do not slice their article's text to the sentence."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        rows = con.execute(
            'SELECT e.id, a.url, e.sentence, e.start, e."end", a.text FROM evidence e'
            " JOIN articles a ON a.id = e.article_id").fetchall()
    finally:
        con.close()
    return [{"evidence_id": eid, "url": url, "sentence": sentence, "start": start, "end": end,
             "slice": (text or "")[start:end]}
            for eid, url, sentence, start, end, text in rows
            if (text or "")[start:end] != sentence]


def is_newsev_database(path: str | Path) -> bool:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError:  # not SQLite, or deliberately corrupted by a test
        return False
    return {"articles", "evidence", "claims"} <= names


def check_evidence_database(path: str | Path) -> None:
    """Assert the invariants: every evidence row slices its article's text exactly, every
    evidence row has its claim and article, no claim is left without evidence."""
    bad = evidence_slice_violations(path)
    assert not bad, f"{path}: {len(bad)} evidence rows do not slice their article's text: {bad[:3]}"
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        orphans = con.execute("SELECT count(*) FROM evidence e WHERE NOT EXISTS"
                              " (SELECT 1 FROM claims c WHERE c.id = e.claim_id) OR NOT EXISTS"
                              " (SELECT 1 FROM articles a WHERE a.id = e.article_id)").fetchone()[0]
        empty = con.execute("SELECT count(*) FROM claims c WHERE NOT EXISTS"
                            " (SELECT 1 FROM evidence e WHERE e.claim_id = c.id)").fetchone()[0]
    finally:
        con.close()
    assert orphans == 0, f"{path}: {orphans} evidence rows without their claim or article"
    assert empty == 0, f"{path}: {empty} claims without evidence"
