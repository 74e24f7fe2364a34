"""Analyst review (issue 12, part 3): verdicts keyed by the claim's identity survive
``rerun`` (the real Prefect flow, real spaCy, a real server on 127.0.0.1) and a rebuilt
database (export, rebuild, import)."""
from __future__ import annotations

import json

import pytest

from http_servers import web, web_server  # noqa: F401 (fixtures)
from pipeline import review
from pipeline.store import open_db
from processes import run_cli
from trail_site import award_page, korvane_page

HTML = "text/html; charset=utf-8"


def _cli(*args, check=True):
    return run_cli(*args, check=check, timeout=120, COLUMNS="250")


def _serve(server, award_sentence=True):
    server.clear()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    body = award_page() if award_sentence else award_page(sentence="")
    server.expect_request("/ledger/award.html").respond_with_data(body, content_type=HTML)
    server.expect_request("/courier/korvane.html").respond_with_data(korvane_page(), content_type=HTML)


def _claim_id(db, type_, **args):
    for cid, a in db.execute("SELECT id, args FROM claims WHERE type = ?", [type_]):
        a = json.loads(a)
        if all(a.get(k) == v for k, v in args.items()):
            return cid
    return None


@pytest.fixture
def rerun(prefect_harness, monkeypatch):
    from flows.ingest import rerun_url

    monkeypatch.setenv("NEWSEV_MIN_HOST_DELAY", "0")

    def run(url, db_path):
        res = rerun_url(url=url, db_path=str(db_path), allow_private=True)
        assert res["status"] == "ok", res
        return res
    return run


def test_verdicts_survive_rerun_and_a_rebuilt_database(web, rerun, tmp_path):  # noqa: F811
    _serve(web)
    award_url, korvane_url = web.url_for("/ledger/award.html"), web.url_for("/courier/korvane.html")
    path = tmp_path / "evidence.db"
    rerun(award_url, path)
    rerun(korvane_url, path)
    db = open_db(path)
    ceo = _claim_id(db, "holds_position", person="Lei Jun", role="ceo")
    award = _claim_id(db, "received_award", recipient="Lei Jun")
    assert ceo and award
    out = _cli("review", str(ceo), "--accept", "--note", "matches the annual report", "--by", "ana", "--db", str(path))
    assert "accepted by ana" in out.stdout
    _cli("review", str(award), "--reject", "--by", "ben", "--db", str(path))
    assert review.verdicts_for(db, [ceo, award]) == {
        ceo: {"verdict": "accepted", "note": "matches the annual report", "reviewer": "ana",
              "at": review.verdicts_for(db, [ceo])[ceo]["at"]},
        award: {"verdict": "rejected", "note": None, "reviewer": "ben",
                "at": review.verdicts_for(db, [award])[award]["at"]}}

    # the page drops the award sentence: its claim goes; the verdict is kept by identity
    _serve(web, award_sentence=False)
    rerun(award_url, path)
    assert _claim_id(db, "received_award", recipient="Lei Jun") is None
    assert db.execute("SELECT count(*) FROM reviews WHERE verdict = 'rejected'").fetchone()[0] == 1
    # ... and comes back when the sentence does, as a new row with the old verdict
    _serve(web)
    rerun(award_url, path)
    back = _claim_id(db, "received_award", recipient="Lei Jun")
    assert back is not None
    assert review.verdicts_for(db, [back])[back]["verdict"] == "rejected"
    assert review.verdicts_for(db, [_claim_id(db, "holds_position", person="Lei Jun", role="ceo")]) != {}

    # export, rebuild from the sources in another order (other ids), import
    exported = tmp_path / "verdicts.jsonl"
    assert "wrote 2 verdicts" in _cli("review", "--export", str(exported), "--db", str(path)).stdout
    rebuilt = tmp_path / "rebuilt.db"
    rerun(korvane_url, rebuilt)
    rerun(award_url, rebuilt)
    db2 = open_db(rebuilt)
    ceo2 = _claim_id(db2, "holds_position", person="Lei Jun", role="ceo")
    award2 = _claim_id(db2, "received_award", recipient="Lei Jun")
    assert (ceo2, award2) != (ceo, back)  # other row ids: only the identity can carry the verdicts
    assert review.verdicts_for(db2, [ceo2, award2]) == {}
    assert "imported 2 verdicts (0 already there)" in _cli("review", "--import", str(exported), "--db",
                                                           str(rebuilt)).stdout
    assert "imported 0 verdicts (2 already there)" in _cli("review", "--import", str(exported), "--db",
                                                           str(rebuilt)).stdout
    got = review.verdicts_for(db2, [ceo2, award2])
    assert (got[ceo2]["verdict"], got[ceo2]["reviewer"], got[award2]["verdict"]) == ("accepted", "ana", "rejected")
    assert "matches the annual report" in _cli("review", str(ceo2), "--db", str(rebuilt)).stdout
    db.close()
    db2.close()


def test_review_history_latest_verdict_wins(tmp_path):
    from store_fixtures import build_seed_db

    db = build_seed_db(tmp_path / "e.db")
    cid = db.execute("SELECT claim_id FROM awards").fetchone()[0]
    review.review(db, cid, "reject", by="ana", at="2026-11-01T10:00:00Z")
    review.review(db, cid, "accept", by="ben", note="the ministry list confirms it", at="2026-11-02T10:00:00Z")
    assert [h["verdict"] for h in review.history(db, cid)] == ["rejected", "accepted"]
    assert review.verdicts_for(db, [cid])[cid]["reviewer"] == "ben"
    assert review.mark(review.verdicts_for(db, [cid])[cid]) == "accepted by ben on 2026-11-02"
    with pytest.raises(review.ReviewError):
        review.review(db, cid, "maybe")
    with pytest.raises(review.ReviewError):
        review.review(db, 99999, "accept")
    db.close()


@pytest.mark.parametrize("line, message", [
    ("not json", "not a review record"),
    ('{"claim_key": "x", "verdict": "accepted", "at": "2026-12-01"}', "needs claim_key"),
    ('{"claim_key": "received_award|{}", "verdict": "perhaps", "at": "2026-12-01"}', "needs claim_key"),
])
def test_import_refuses_a_bad_file_and_writes_nothing(tmp_path, line, message):
    from store_fixtures import build_seed_db

    db = build_seed_db(tmp_path / "e.db")
    good = json.dumps({"claim_key": db.execute("SELECT key FROM claims LIMIT 1").fetchone()[0],
                       "verdict": "accepted", "at": "2026-12-01T00:00:00Z", "by": "ana"})
    f = tmp_path / "bad.jsonl"
    f.write_text(good + "\n" + line + "\n", encoding="utf-8")
    p = _cli("review", "--import", str(f), "--db", str(tmp_path / "e.db"), check=False)
    assert p.returncode == 2 and message in p.stderr
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    db.close()


def test_cli_review_errors(tmp_path):
    from store_fixtures import build_seed_db

    build_seed_db(tmp_path / "e.db").close()
    db = str(tmp_path / "e.db")
    assert "exclude each other" in _cli("review", "1", "--accept", "--reject", "--db", db, check=False).stderr
    assert "no claim with id 4242" in _cli("review", "4242", "--accept", "--db", db, check=False).stderr
    assert "not reviewed" in _cli("review", "1", "--db", db).stdout


# -- what a verdict changes on the read side ---------------------------------------------------------


@pytest.fixture
def reviewed(tmp_path):
    from store_fixtures import build_seed_db

    path = tmp_path / "e.db"
    db = build_seed_db(path)
    award = db.execute("SELECT claim_id FROM awards").fetchone()[0]
    ceo = db.execute("SELECT claim_id FROM positions WHERE person = 'Lei Jun' AND role = 'ceo'").fetchone()[0]
    review.review(db, award, "reject", by="ana", note="the filing misdates it")
    review.review(db, ceo, "accept", by="ben", note="annual report")
    yield db, path, award, ceo
    db.close()


def test_rejected_claim_leaves_packets_chains_and_exports(reviewed, tmp_path):
    db, path, award, ceo = reviewed
    p = str(path)
    ids = {r["id"] for r in json.loads(_cli("query", "claims", "--format", "json", "--db", p).stdout)}
    assert award not in ids and ceo in ids
    assert award in {r["id"] for r in json.loads(_cli("query", "claims", "--include-rejected", "--format", "json",
                                                       "--db", p).stdout)}
    assert json.loads(_cli("query", "chain", "ceo-award-agency", "--format", "json", "--db", p).stdout) == []
    assert len(json.loads(_cli("query", "chain", "ceo-award-agency", "--include-rejected", "--format", "json",
                               "--db", p).stdout)) == 1
    packet = tmp_path / "xiaomi.md"
    _cli("packet", "Xiaomi", "-o", str(packet), "--db", p)
    text = packet.read_text(encoding="utf-8")
    assert "Outstanding Builder" not in text
    assert "Reviewed: accepted by ben on " in text and "annual report" in text
    _cli("packet", "Xiaomi", "-o", str(packet), "--include-rejected", "--db", p)
    assert "REJECTED: rejected by ana on " in packet.read_text(encoding="utf-8")
    for fmt, ext in [("jsonl", "jsonl"), ("csv", "csv"), ("annotation", "jsonld"), ("ftm", "ftm.json")]:
        out = tmp_path / f"out.{ext}"
        _cli("export", "--format", fmt, "-o", str(out), "--db", p)
        body = out.read_text(encoding="utf-8")
        assert "Outstanding Builder" not in body, fmt
        _cli("export", "--format", fmt, "-o", str(out), "--include-rejected", "--db", p)
        assert "Outstanding Builder" in out.read_text(encoding="utf-8"), fmt
    annos = json.loads((tmp_path / "out.jsonld").read_text())["first"]["items"]
    assessing = [b["value"] for a in annos for b in a["body"] if b["purpose"] == "assessing"]
    assert any(v.startswith("accepted by ben on ") for v in assessing)
    assert any(v.startswith("rejected by ana on ") for v in assessing)  # kept on request, and marked


def test_reviewed_and_unreviewed_filters(reviewed):
    db, path, award, ceo = reviewed
    p = str(path)
    rev = json.loads(_cli("query", "claims", "--reviewed", "--format", "json", "--db", p).stdout)
    assert [r["id"] for r in rev] == [ceo]
    assert rev[0]["review"]["verdict"] == "accepted" and rev[0]["review"]["reviewer"] == "ben"
    assert {r["id"] for r in json.loads(_cli("query", "claims", "--reviewed", "--include-rejected", "--format",
                                             "json", "--db", p).stdout)} == {ceo, award}
    unrev = {r["id"] for r in json.loads(_cli("query", "claims", "--unreviewed", "--format", "json", "--db",
                                              p).stdout)}
    total = db.execute("SELECT count(*) FROM claims").fetchone()[0]
    assert len(unrev) == total - 2 and not unrev & {ceo, award}
    table = _cli("query", "claims", "--reviewed", "--db", p).stdout
    assert "accepted by ben on" in table


def test_a_verdict_follows_its_claim_when_a_name_is_rekeyed(tmp_path):
    """A claim naming a bare "Korvane" is reviewed; a later article defines Korvane as an
    alias of "Korvane Systems", so the claim's key changes: the verdict moves with it."""
    from pipeline.store import write_article
    from pipeline.types import Article, DocResult, Entity, Evidence, Relation

    sent1 = "Ilse Marten, who runs Korvane as chief executive, spoke at the fair in Leipzig on Tuesday."
    sent2 = "Korvane Systems (Korvane) said it will open a second plant near Dresden next spring."
    pad = " The company makes sensors for trains and trams and employs about nine hundred people in two countries."

    def article(n, sentence, relations, entities=()):
        text = sentence + pad
        art = Article(url=f"https://paper{n}.example/korvane", text=text, title="Korvane", published="2021-05-0" + str(n),
                      site=f"Paper {n}", language="en", fetched_at="2021-05-09T10:00:00Z")
        return art, DocResult(id=art.url, entities=tuple(entities), relations=tuple(
            Relation(type=t, args=a, evidence=(Evidence(sentence=sentence, start=0, end=len(sentence)),),
                     confidence=0.8, status="asserted", extractor_version="test") for t, a in relations))

    db = open_db(tmp_path / "e.db")
    write_article(db, *article(1, sent1, [("holds_position", {"person": "Ilse Marten", "organization": "Korvane",
                                                              "role": "ceo"})]))
    cid = _claim_id(db, "holds_position", organization="Korvane")
    old_key = db.execute("SELECT key FROM claims WHERE id = ?", [cid]).fetchone()[0]
    review.review(db, cid, "reject", note="wrong company", by="ana", at="2021-05-05T00:00:00Z")
    write_article(db, *article(2, sent2, [], [Entity("Korvane Systems", "ORG", ("Korvane",))]))
    new_key = db.execute("SELECT key FROM claims WHERE id = ?", [cid]).fetchone()[0]
    assert new_key != old_key and "korvane systems" in new_key
    assert review.verdicts_for(db, [cid])[cid]["verdict"] == "rejected"
    assert [h["note"] for h in review.history(db, cid)] == ["wrong company"]


def test_imported_verdicts_find_their_claim_by_type_and_arguments(tmp_path):
    """A verdict exported under an older claim key (v4 keyed an award with its year) is
    imported onto the claim its type and arguments make here."""
    from store_fixtures import build_seed_db

    db = build_seed_db(tmp_path / "a.db")
    award = _claim_id(db, "received_award", recipient="Lei Jun")
    review.review(db, award, "reject", by="ben", at="2021-02-01T00:00:00Z")
    out = tmp_path / "reviews.jsonl"
    assert review.export_reviews(db, out) == 1
    rec = json.loads(out.read_text(encoding="utf-8"))
    rec["claim_key"] = rec["claim_key"].replace("}", ', "year": 2019}')  # the v4 form
    out.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    other = build_seed_db(tmp_path / "b.db")
    assert review.import_reviews(other, out) == (1, 0)
    cid = _claim_id(other, "received_award", recipient="Lei Jun")
    assert review.verdicts_for(other, [cid])[cid]["verdict"] == "rejected"
