"""FollowTheMoney export: the claims as FtM entities, for Aleph and other FtM tools.

Built with the ``followthemoney`` library (its model, ids and value cleaning), one
entity a line (the format ``ftm`` and Aleph read):

* entities: ``Person`` (PERSON), ``PublicBody`` (GOV), ``Company`` for an organization
  that invests or has a CEO/CFO/CTO, else ``Organization``; each with its aliases;
* ``holds_position``: ``Directorship`` for executive and board roles (CEO, CFO, CTO,
  chair, president), ``Membership`` for founders (founding says nothing about a role
  held today), ``Employment`` for other roles; with ``role``, ``startDate`` /
  ``endDate`` from the stated years and ``status`` (current / former / incoming);
* ``received_award``: an ``Event`` (the award, its year as ``date``, the recipient as
  ``involved``, the giver as ``organizer``): FtM has no award schema;
* ``investment``: a ``Project`` (amount, currency, technologies as ``keywords``,
  ``status`` planned / asserted / hedged) with ``ProjectParticipant`` links for the
  investor (role "investor") and the organization invested in (role "investee");
* sources: one ``Article`` per article (title, URL, date, outlet); every claim entity
  carries its ``sourceUrl``s, its articles as ``proof`` and its quotes in
  ``description``; ``Documentation`` links each article to the award or project it
  documents, with the quote as ``summary``;
* a type added to the registry (models/relations.json) without a mapping here: an
  ``Event`` named by the claim's sentence, with its PERSON/ORG/GOV arguments
  ``involved``.

Ids are derived from canonical names and claim identities, so a rebuilt database
exports the same ids. Rejected claims are left out unless asked for.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterator

from followthemoney import EntityProxy, model

from pipeline.store import normalize_name

NS = "newsev"
DIRECTOR_ROLES = {"ceo": "Chief Executive Officer", "cfo": "Chief Financial Officer",
                  "cto": "Chief Technology Officer", "chair": "Chair", "president": "President"}
COMPANY_ROLES = {"ceo", "cfo", "cto"}
LABEL_SCHEMA = {"PERSON": "Person", "GOV": "PublicBody", "ORG": "Organization"}


def _make(schema: str, *key_parts) -> EntityProxy:
    e = model.make_entity(schema)
    e.make_id(NS, *key_parts)
    return e


class _Builder:
    def __init__(self, db):
        self.db = db
        self.entities: dict[str, EntityProxy] = {}
        self.articles: dict[str, EntityProxy] = {}
        self.companies: set[str] = set()

    def entity(self, name: str | None, label: str, key: str | None = None) -> EntityProxy | None:
        """The FtM entity of a canonical name (created once, with its aliases)."""
        if not name:
            return None
        norm = key or normalize_name(name)
        if not norm:
            return None
        if norm in self.entities:
            return self.entities[norm]
        row = self.db.execute("SELECT id, name, label FROM entities WHERE normalized = ?", [norm]).fetchone()
        lab = (row[2] if row and row[2] else label) or label
        schema = LABEL_SCHEMA.get(lab, "Organization" if lab != "PERSON" else "Person")
        if schema == "Organization" and norm in self.companies:
            schema = "Company"
        e = _make(schema, "entity", norm)
        e.add("name", row[1] if row else name)
        if row:
            for (alias,) in self.db.execute("SELECT alias FROM aliases WHERE entity_id = ? ORDER BY alias", [row[0]]):
                if alias != e.first("name"):
                    e.add("alias", alias)
        self.entities[norm] = e
        return e

    def article(self, ev: dict) -> EntityProxy:
        url = ev["url"]
        if url not in self.articles:
            a = _make("Article", "article", url)
            a.add("title", ev.get("title") or url)
            a.add("sourceUrl", url)
            a.add("publishedAt", ev.get("published"))
            a.add("publisher", ev.get("site") or ev.get("host"))
            self.articles[url] = a
        return self.articles[url]


def _quotes(e: EntityProxy, b: _Builder, claim: dict, review: dict | None) -> list[tuple[EntityProxy, dict]]:
    out = []
    for ev in claim["evidence"]:
        art = b.article(ev)
        e.add("sourceUrl", ev["url"])
        e.add("proof", art.id)
        e.add("description", f"\u201c{ev['sentence']}\u201d \u2014 {ev.get('site') or ev.get('host')}, "
                             f"{ev.get('published') or 'date unknown'}, {ev['url']}")
        out.append((art, ev))
    e.add("publisher", "newsev")
    if review:
        from pipeline.review import mark

        e.add("summary", f"newsev review: {mark(review)}" + (f" ({review['note']})" if review.get("note") else ""))
    return out


def _documentation(thing: EntityProxy, quotes: list[tuple[EntityProxy, dict]]) -> Iterator[EntityProxy]:
    for art, ev in quotes:
        d = _make("Documentation", "doc", thing.id, art.id, ev["sentence"])
        d.add("document", art.id)
        d.add("entity", thing.id)
        d.add("role", "source article")
        d.add("summary", ev["sentence"])
        d.add("date", ev.get("published"))
        yield d


def iter_entities(db, *, include_rejected: bool = False) -> Iterator[EntityProxy]:
    """Every FtM entity of the export: people and organizations, then links, then articles."""
    from pipeline import review as reviews
    from pipeline.query import describe_claim, iter_claims
    from pipeline.relations import registry
    from pipeline.timeline import position_time

    b = _Builder(db)
    # organizations that invest or have an executive are companies
    for (k,) in db.execute("SELECT investor_key FROM investments UNION SELECT organization_key FROM positions"
                           " WHERE role IN ('ceo', 'cfo', 'cto')"):
        if k:
            b.companies.add(k)
    links: list[EntityProxy] = []
    for c in iter_claims(db):
        review = reviews.verdicts_for(db, [c["id"]]).get(c["id"])
        if review and review["verdict"] == "rejected" and not include_rejected:
            continue
        a = c["args"]
        key = db.execute("SELECT key FROM claims WHERE id = ?", [c["id"]]).fetchone()[0]
        if c["type"] == "holds_position":
            person = b.entity(a.get("person"), "PERSON")
            org = b.entity(a.get("organization"), "ORG")
            if person is None or org is None:
                continue
            role = (a.get("role") or "other").casefold()
            t = position_time(db, c["id"]) or {}
            if role in DIRECTOR_ROLES:
                link = _make("Directorship", "position", key)
                link.add("director", person.id)
                link.add("organization", org.id)
                title = DIRECTOR_ROLES[role]
            elif role == "founder":
                link = _make("Membership", "position", key)
                link.add("member", person.id)
                link.add("organization", org.id)
                title = "Founder"
            else:
                link = _make("Employment", "position", key)
                link.add("employee", person.id)
                link.add("employer", org.id)
                title = role
            link.add("role", ("Acting " + title) if t.get("acting") else title)
            link.add("status", t.get("state"))
            link.add("startDate", str(t["since"]) if t.get("since") else None)
            link.add("endDate", str(t["until"]) if t.get("until") else None)
            _quotes(link, b, c, review)
            links.append(link)
        elif c["type"] == "received_award":
            person = b.entity(a.get("recipient"), "PERSON")
            giver = b.entity(a.get("conferred_by"), "GOV")
            ev = _make("Event", "award", key)
            ev.add("name", a.get("award") or "award")
            ev.add("summary", f"{a.get('recipient')} received {a.get('award')}"
                              + (f" from {a['conferred_by']}" if a.get("conferred_by") else ""))
            ev.add("date", str(a["year"]) if a.get("year") else None)
            if person is not None:
                ev.add("involved", person.id)
            if giver is not None:
                ev.add("organizer", giver.id)
            ev.add("keywords", "award")
            links.append(ev)
            links.extend(_documentation(ev, _quotes(ev, b, c, review)))
        elif c["type"] == "investment":
            investor = b.entity(a.get("investor"), "ORG")
            target = b.entity(a.get("target"), "ORG")
            amount = a.get("amount") if isinstance(a.get("amount"), dict) else {}
            techs = list(a.get("technology") or [])
            what = ", ".join(techs) or a.get("object") or (a.get("target") or "undisclosed")
            p = _make("Project", "investment", key)
            p.add("name", f"{a.get('investor')} investment in {what}")
            p.add("goal", f"invest {amount.get('text') or 'an undisclosed amount'} in {what}"
                          + (f" ({a['period']})" if a.get("period") else ""))
            if amount.get("value") is not None:
                p.add("amount", f"{float(amount['value']):.2f}")
                p.add("currency", amount.get("currency"))
            p.add("keywords", techs)
            p.add("status", c.get("status"))
            links.append(p)
            for who, role in ((investor, "investor"), (target, "investee")):
                if who is None:
                    continue
                pp = _make("ProjectParticipant", "participant", key, role)
                pp.add("project", p.id)
                pp.add("participant", who.id)
                pp.add("role", role)
                links.append(pp)
            links.extend(_documentation(p, _quotes(p, b, c, review)))
        else:  # a type the registry added: an Event read as its sentence, its entities involved
            rt = registry.lookup(c["type"], a)
            ev = _make("Event", c["type"], key)
            ev.add("name", describe_claim(c))
            ev.add("summary", describe_claim(c))
            for arg, label in rt.entity_args.items():
                who = b.entity(a.get(arg), label) if label in LABEL_SCHEMA else None
                if who is not None:
                    ev.add("involved", who.id)
            ev.add("keywords", c["type"])
            links.append(ev)
            links.extend(_documentation(ev, _quotes(ev, b, c, review)))
    yield from b.entities.values()
    yield from links
    yield from b.articles.values()


def export_ftm(db, out: str | Path | IO[str], *, include_rejected: bool = False) -> int:
    """Write the FtM entities as JSON Lines; returns how many."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8") as fh:
            return export_ftm(db, fh, include_rejected=include_rejected)
    n = 0
    for e in iter_entities(db, include_rejected=include_rejected):
        out.write(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        n += 1
    return n


__all__ = ["iter_entities", "export_ftm"]
