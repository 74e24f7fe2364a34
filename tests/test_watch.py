"""Watchlists (issue 12, part 4): names resolve through aliases, and the store's write
path records new claims and new quotes that touch a watched entity, on a real SQLite
file."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pipeline import watch
from pipeline.store import write_article
from pipeline.types import Entity, Relation
from store_fixtures import AWARD, MIIT, build_seed_db
from trail_site import article, doc, ev

AWARD2 = f"The {MIIT} (MIIT) gave Wang Gaofei of Weibo the {AWARD} title in 2019."
TEXT_W = "Regulators met on Friday to talk about platforms. " + AWARD2 + " Wang declined to comment on Saturday."


def award_rel(text, sentence, recipient, giver):
    return Relation(type="received_award", args={"recipient": recipient, "award": AWARD, "conferred_by": giver,
                                                 "year": 2019}, evidence=(ev(text, sentence),), confidence=0.8,
                    extractor_version="trail-test-1")


@pytest.fixture
def db(tmp_path):
    d = build_seed_db(tmp_path / "evidence.db")
    yield d
    d.close()


def _cli(db_path, *args):
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args, "--db", str(db_path)], capture_output=True,
                          text=True, env=env, timeout=60)


@pytest.mark.parametrize("typed, canonical", [
    ("MIIT", MIIT), ("miit", MIIT), ("Xiaomi Corp.", "Xiaomi"), ("Mr. Lei", "Lei Jun"),
])
def test_names_resolve_through_aliases(db, typed, canonical):
    res = watch.add(db, typed)
    assert (res["canonical"], res["known"], res["added"]) == (canonical, True, True)
    assert watch.add(db, canonical)["added"] is False  # the same entity, however it is named
    assert [w["name"] for w in watch.list_watches(db)] == [canonical]
    assert watch.remove(db, canonical)["removed"] == [canonical]
    assert watch.list_watches(db) == []


def test_remove_unknown_and_empty_names_are_errors(db):
    with pytest.raises(watch.WatchError):
        watch.remove(db, "Nobody Watched")
    with pytest.raises(watch.WatchError):
        watch.add(db, "  ")


def test_new_claim_then_new_quote_then_nothing_new(db):
    watch.add(db, "MIIT")
    url = "https://platformdaily.example/weibo-award"
    art = article(url, TEXT_W, "2024-05-02", "Platform Daily", "2024-05-02T09:00:00Z")
    res = doc(url, [award_rel(TEXT_W, AWARD2, "Wang Gaofei", "MIIT")], [Entity(MIIT, "GOV", ("MIIT",))])
    write_article(db, art, res, run_id=7)
    got = watch.alerts(db)
    assert [(a["kind"], a["claim_text"], a["watched"], a["run_id"]) for a in got] == [
        ("new_claim", f"Wang Gaofei received {AWARD} from {MIIT} (2019)", [MIIT], 7)]
    assert (got[0]["sentence"], got[0]["url"], got[0]["site"], got[0]["published"]) == (
        AWARD2, url, "Platform Daily", "2024-05-02")
    # the same article again (unchanged, or re-fetched with the same quote): nothing new
    write_article(db, art, res, run_id=8)
    changed = TEXT_W.replace("on Saturday", "on Sunday")
    write_article(db, article(url, changed, "2024-05-02", "Platform Daily", "2024-05-03T09:00:00Z"),
                  doc(url, [award_rel(changed, AWARD2, "Wang Gaofei", "MIIT")]), run_id=9)
    assert len(watch.alerts(db)) == 1
    # a second outlet states the known claim: one new-quote alert
    url2 = "https://otherwire.example/awards"
    text2 = "A list of honours was published. " + AWARD2 + " The list also names several bankers."
    write_article(db, article(url2, text2, "2024-05-04", "Other Wire", "2024-05-04T09:00:00Z"),
                  doc(url2, [award_rel(text2, AWARD2, "Wang Gaofei", MIIT)]), run_id=10)
    kinds = [(a["kind"], a["site"], a["run_id"]) for a in watch.alerts(db)]
    assert kinds == [("new_evidence", "Other Wire", 10), ("new_claim", "Platform Daily", 7)]


def test_company_watch_sees_its_ceos_award_and_unwatched_sees_nothing(db):
    watch.add(db, "Xiaomi")
    url = "https://ledger.example/lei-award"
    sent = f"Lei Jun was handed the {AWARD} award by MIIT in 2019."
    text = "The case file lists honours. " + sent + " Xiaomi did not comment on the case file."
    write_article(db, article(url, text, "2024-05-05", "Ledger", "2024-05-05T09:00:00Z"),
                  doc(url, [award_rel(text, sent, "Lei Jun", "MIIT")]))
    got = watch.alerts(db)
    assert [(a["kind"], a["watched"]) for a in got] == [("new_evidence", ["Xiaomi"])]
    watch.remove(db, "Xiaomi")
    url3 = "https://ledger.example/again"
    write_article(db, article(url3, text + " More text.", "2024-05-06", "Ledger Two", "2024-05-06T09:00:00Z"),
                  doc(url3, [award_rel(text + " More text.", sent, "Lei Jun", "MIIT")]))
    assert len(watch.alerts(db)) == 1


def test_name_watched_before_any_article_names_it(db):
    watch.add(db, "Korvane")
    assert watch.list_watches(db)[0]["known"] is False
    url = "https://courier.example/k"
    sent = "Ilse Marchetti is the chief executive of Korvane Networks, the firm said."
    text = "Radio makers had a good year. " + sent + " The firm sells gear in Canada."
    rel = Relation(type="holds_position", args={"person": "Ilse Marchetti", "organization": "Korvane Networks",
                                                "role": "ceo"}, evidence=(ev(text, sent),), confidence=0.9)
    write_article(db, article(url, text, "2024-05-03", "Courier", "2024-05-03T09:00:00Z"),
                  doc(url, [rel], [Entity("Korvane Networks", "ORG", ("Korvane",))]))
    assert [a["claim_text"] for a in watch.alerts(db)] == ["Ilse Marchetti is CEO of Korvane Networks"]
    assert watch.list_watches(db)[0]["name"] == "Korvane Networks"


def test_cli_watch_add_list_remove(db, tmp_path):
    path = tmp_path / "evidence.db"
    out = _cli(path, "watch", "add", "MIIT")
    assert out.returncode == 0 and f"watching {MIIT} (as MIIT)" in out.stdout
    assert "already watching" in _cli(path, "watch", "add", "Ministry of Industry and Information Technology").stdout
    listed = json.loads(_cli(path, "watch", "list", "--format", "json").stdout)
    assert [(w["name"], w["aliases"], w["label"]) for w in listed] == [(MIIT, ["MIIT"], "GOV")]
    assert "no longer watching" in _cli(path, "watch", "remove", "miit").stdout
    gone = _cli(path, "watch", "remove", "MIIT")
    assert gone.returncode == 2 and "not on the watchlist" in gone.stderr


def test_watch_an_alias_in_the_demo_database(demo_db, tmp_path):
    import shutil

    src, _ = demo_db
    path = tmp_path / "demo.db"
    shutil.copy(src, path)
    out = _cli(path, "watch", "add", "MIIT")
    assert out.returncode == 0 and f"watching {MIIT} (as MIIT)" in out.stdout
    listed = json.loads(_cli(path, "watch", "list", "--format", "json").stdout)
    assert listed[0]["name"] == MIIT and "MIIT" in listed[0]["aliases"] and listed[0]["label"] == "GOV"
