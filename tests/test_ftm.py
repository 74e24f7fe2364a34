"""FollowTheMoney export (issue 12, part 5): the file loads with the library's own reader,
every entity validates against its schema, every reference resolves, positions carry
role and dates, and rejected claims stay out."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from followthemoney import EntityProxy
from followthemoney.cli.util import path_entities

from pipeline import review
from pipeline.ftm import export_ftm
from pipeline.store import write_article
from store_fixtures import AWARD, MIIT, build_seed_db
from trail_site import CEO_SINCE, CHAIR_FORMER, KORVANE_FILLER, article, doc, position

KTEXT = " ".join([KORVANE_FILLER[0], CEO_SINCE, CHAIR_FORMER, KORVANE_FILLER[1]])
FTM = Path(sys.executable).with_name("ftm")


@pytest.fixture
def db(tmp_path):
    d = build_seed_db(tmp_path / "evidence.db")
    url = "https://courier.example/korvane"
    write_article(d, article(url, KTEXT, "2024-05-03", "Korvane Courier", "2024-05-03T08:00:00Z"), doc(url, [
        position(KTEXT, CEO_SINCE, "Ilse Marchetti", "Korvane Networks", "ceo",
                 {"state": "current", "acting": False, "since": 2010, "until": None}),
        position(KTEXT, CHAIR_FORMER, "Tomas Berg", "Korvane Networks", "chair",
                 {"state": "former", "acting": False, "since": None, "until": 2019}),
    ]))
    yield d
    d.close()


def _load(path) -> list[EntityProxy]:
    return list(path_entities(path, EntityProxy, cleaned=False))


def test_export_loads_and_every_entity_validates(db, tmp_path):
    out = tmp_path / "entities.ftm.json"
    n = export_ftm(db, out)
    ents = _load(out)
    assert n == len(ents) > 0
    ids = {e.id for e in ents}
    assert len(ids) == len(ents)
    for e in ents:
        assert e.schema.validate(e.to_dict()) is None
        for prop, values in e.properties.items():  # every reference points at an entity in the file
            if e.schema.get(prop).type.name == "entity":
                assert set(values) <= ids, (e.schema.name, prop)
    # and the library's own CLI re-parses and validates the file
    p = subprocess.run([str(FTM), "validate", "-i", str(out), "-o", str(tmp_path / "checked.json")],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert len((tmp_path / "checked.json").read_text().splitlines()) == n


def _by_schema(ents):
    out: dict[str, list[EntityProxy]] = {}
    for e in ents:
        out.setdefault(e.schema.name, []).append(e)
    return out


def test_people_organizations_positions_awards_investments(db, tmp_path):
    export_ftm(db, tmp_path / "e.json")
    ents = _load(tmp_path / "e.json")
    s = _by_schema(ents)
    names = {e.first("name"): e for e in ents if e.schema.is_a("LegalEntity")}
    assert names["Lei Jun"].schema.name == "Person" and "Mr. Lei" in names["Lei Jun"].get("alias")
    assert names[MIIT].schema.name == "PublicBody" and names[MIIT].get("alias") == ["MIIT"]
    assert names["Xiaomi"].schema.name == "Company"
    assert names["Deepwater Robotics"].schema.name == "Organization"
    dirs = {(d.first("role"), names_of(ents, d.first("director"))): d for d in s["Directorship"]}
    ceo = dirs[("Chief Executive Officer", "Ilse Marchetti")]
    assert (ceo.get("startDate"), ceo.get("endDate"), ceo.get("status")) == (["2010"], [], ["current"])
    chair = dirs[("Chair", "Tomas Berg")]
    assert (chair.get("endDate"), chair.get("status")) == (["2019"], ["former"])
    assert ("Chief Executive Officer", "Lei Jun") in dirs
    founder = s["Membership"][0]
    assert founder.first("role") == "Founder" and names_of(ents, founder.first("member")) == "Lei Jun"
    award = s["Event"][0]
    assert award.first("name") == AWARD and award.get("date") == ["2019"]
    assert names_of(ents, award.first("organizer")) == MIIT
    assert names_of(ents, award.first("involved")) == "Lei Jun"
    plan = [p for p in s["Project"] if p.get("amount")][0]
    assert (plan.get("amount"), plan.get("currency"), sorted(plan.get("keywords"))) == (["7700000000.00"], ["USD"],
                                                                                       ["5G", "AI"])
    roles = {(pp.first("role"), names_of(ents, pp.first("participant"))) for pp in s["ProjectParticipant"]}
    assert {("investor", "Xiaomi"), ("investee", "Deepwater Robotics")} <= roles
    # each claim entity names its sources and quotes; quotes are linked to their articles
    articles = {a.id: a for a in s["Article"]}
    for link in s["Directorship"] + s["Event"] + s["Project"]:
        assert link.get("sourceUrl") and set(link.get("proof")) <= set(articles)
        assert all(d.startswith("\u201c") for d in link.get("description"))
    quotes = {d.first("summary") for d in s["Documentation"]}
    assert any("Outstanding Builder" in q for q in quotes)


def names_of(ents, eid):
    return next(e.first("name") for e in ents if e.id == eid)


def test_rejected_claims_leave_the_export_and_accepted_are_marked(db, tmp_path):
    award = db.execute("SELECT claim_id FROM awards").fetchone()[0]
    ceo = db.execute("SELECT claim_id FROM positions WHERE person = 'Ilse Marchetti'").fetchone()[0]
    review.review(db, award, "reject", by="ana", note="wrong year")
    review.review(db, ceo, "accept", by="ben")
    export_ftm(db, tmp_path / "kept.json")
    kept = _by_schema(_load(tmp_path / "kept.json"))
    assert "Event" not in kept
    marked = [d for d in kept["Directorship"] if d.get("startDate") == ["2010"]][0]
    assert any(v.startswith("newsev review: accepted by ben on ") for v in marked.get("summary"))
    export_ftm(db, tmp_path / "all.json", include_rejected=True)
    assert "Event" in _by_schema(_load(tmp_path / "all.json"))


def test_ids_are_stable_across_a_rebuilt_database(db, tmp_path):
    export_ftm(db, tmp_path / "a.json")
    rebuilt = build_seed_db(tmp_path / "rebuilt.db")
    export_ftm(rebuilt, tmp_path / "b.json")
    rebuilt.close()
    a = {e.id for e in _load(tmp_path / "a.json")}
    b = {e.id for e in _load(tmp_path / "b.json")}
    assert b and b <= a  # the rebuilt file lacks only the Korvane article's entities



def test_cli_export_of_the_demo_database(demo_db, tmp_path):
    path, _ = demo_db
    out = tmp_path / "demo.ftm.json"
    p = subprocess.run([sys.executable, "-m", "pipeline.cli", "export", "--format", "ftm", "-o", str(out),
                        "--db", str(path)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    ents = _load(out)
    assert f"wrote {len(ents)} FtM entities" in p.stdout
    for e in ents:
        assert e.schema.validate(e.to_dict()) is None
    s = _by_schema(ents)
    people = {e.id: e.first("name") for e in s["Person"]}
    orgs = {e.id: e.first("name") for e in s.get("Company", []) + s.get("Organization", [])}
    assert ("Lei Jun", "Xiaomi") in {(people.get(d.first("director")), orgs.get(d.first("organization")))
                                     for d in s["Directorship"]}
    miit = [e for e in s["PublicBody"] if e.first("name") == "Ministry of Industry and Information Technology"]
    assert miit and "MIIT" in miit[0].get("alias")
    assert any(p.get("amount") for p in s["Project"])
