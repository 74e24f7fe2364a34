"""Query benchmark: latency of entity lookup, chain queries and full-text search on a
generated evidence database (default 1 million evidence rows).

The database is built with the real schema (``pipeline.store.open_db``) and filled with
bulk inserts (FTS triggers off during the load, indexes rebuilt after), then the real
query functions of ``pipeline.query`` are timed.

    python benchmarks/query.py              # 1,000,000 evidence rows
    python benchmarks/query.py --rows 100000 --repeat 200 --json
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import query as q  # noqa: E402
from pipeline.store import SCHEMA, _split_sql, normalize_name, open_db  # noqa: E402

WORDS = ("chip phone network cloud robot battery sensor satellite factory market export licence supplier "
         "subsidy ministry regulator investor venture smartphone semiconductor wafer foundry display camera "
         "vehicle charging platform software data centre server modem antenna spectrum tariff").split()
TECHS = ["AI", "5G", "IoT", "semiconductors", "cloud", "robotics", "EV batteries", "quantum", "6G", "biotech"]
ROLES = ["ceo", "founder", "chair", "president", "cto", "cfo"]
SYL = ["lan", "hua", "xin", "tek", "zhi", "mei", "bo", "kai", "ren", "sun", "qi", "tao", "wen", "yu", "li", "jin"]


def _vocab(rng: random.Random, n: int = 4000) -> tuple[list[str], list[float]]:
    """A Zipf-distributed vocabulary: a few very common words, a long tail of rare ones."""
    words = list(dict.fromkeys(WORDS + ["".join(rng.choice(SYL) for _ in range(3)) for _ in range(n)]))
    cum, total = [], 0.0
    for i in range(len(words)):
        total += 1.0 / (i + 1)
        cum.append(total)
    return words, cum


def _name(rng: random.Random, parts: int) -> str:
    return " ".join("".join(rng.choice(SYL) for _ in range(2)).capitalize() for _ in range(parts))


def build(path: Path, rows: int, seed: int = 7) -> dict:
    """Fill a fresh database with ``rows`` evidence rows; returns the names used."""
    rng = random.Random(seed)
    db = open_db(path)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    n_claims = max(10, rows // 5)
    n_articles = max(10, rows // 10)
    n_orgs, n_people, n_agencies = max(5, n_claims // 10), max(5, n_claims // 5), max(3, min(300, n_claims // 100))
    orgs = list({_name(rng, 2) + " Tech": None for _ in range(n_orgs)})
    people = list({_name(rng, 2): None for _ in range(n_people)})
    agencies = list({"Ministry of " + _name(rng, 1) + " Affairs": None for _ in range(n_agencies)})
    awards = [f"{_name(rng, 1)} Builder Award" for _ in range(50)]
    vocab, cum = _vocab(rng)
    t0 = time.perf_counter()
    trig = [s for s in _split_sql(SCHEMA) if s.startswith("CREATE TRIGGER")]
    conn.execute("BEGIN IMMEDIATE")
    for name in ("evidence_ai", "evidence_ad", "evidence_au", "articles_ai", "articles_ad", "articles_au"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    # entities and aliases
    ents = [(n, "ORG") for n in orgs] + [(n, "PERSON") for n in people] + [(n, "GOV") for n in agencies]
    conn.executemany("INSERT INTO entities (id, name, label, normalized) VALUES (?, ?, ?, ?)",
                     [(i + 1, n, lab, normalize_name(n)) for i, (n, lab) in enumerate(ents)])
    conn.executemany("INSERT INTO aliases (entity_id, alias, normalized) VALUES (?, ?, ?)",
                     [(i + 1, n, normalize_name(n)) for i, (n, _) in enumerate(ents)])
    # articles
    hosts = [f"outlet{i}.example" for i in range(400)]

    def articles():
        for i in range(1, n_articles + 1):
            h = rng.choice(hosts)
            body = " ".join(rng.choices(vocab, cum_weights=cum, k=60))
            day = f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            yield (i, f"https://{h}/story/{i}", f"Story {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}", day, day, h,
                   h, "en", body, f"hash{i}", h)

    conn.executemany("INSERT INTO articles (id, url, title, published, date, site, host, language, text,"
                     " content_hash, source_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", articles())
    # claims, typed rows, claim_names
    ceo_people: list[str] = []
    claim_rows, names, pos, aw, inv, techs = [], [], [], [], [], []
    for cid in range(1, n_claims + 1):
        r = rng.random()
        if r < 0.5:
            person, org = rng.choice(people), rng.choice(orgs)
            role = "ceo" if rng.random() < 0.4 else rng.choice(ROLES)
            if role == "ceo":
                ceo_people.append(person)
            args = {"person": person, "organization": org, "role": role}
            pos.append((cid, person, org, role, normalize_name(person), normalize_name(org)))
            names += [(cid, "person", normalize_name(person)), (cid, "organization", normalize_name(org))]
            ctype = "holds_position"
        elif r < 0.7:
            person = rng.choice(ceo_people) if ceo_people and rng.random() < 0.7 else rng.choice(people)
            agency, award, year = rng.choice(agencies), rng.choice(awards), rng.randint(2005, 2024)
            args = {"recipient": person, "award": award, "conferred_by": agency, "year": year}
            aw.append((cid, person, award, agency, year, normalize_name(person), normalize_name(agency)))
            names += [(cid, "recipient", normalize_name(person)), (cid, "conferred_by", normalize_name(agency))]
            ctype = "received_award"
        else:
            org = rng.choice(orgs)
            t = rng.sample(TECHS, rng.randint(1, 3))
            val = round(rng.uniform(0.1, 20), 1) * 1e9
            args = {"investor": org, "amount": {"value": val, "currency": "USD", "approximate": True,
                                                "text": f"about ${val / 1e9:.1f} billion"},
                    "technology": t, "period": "next five years", "target": None}
            inv.append((cid, org, val, "USD", 1, f"about ${val / 1e9:.1f} billion", json.dumps(t),
                        "next five years", normalize_name(org)))
            techs += [(cid, x.casefold()) for x in t]
            names.append((cid, "investor", normalize_name(org)))
            ctype = "investment"
        claim_rows.append((cid, ctype, f"{ctype}|{cid}", json.dumps(args), rng.randint(1, 6), 5,
                           rng.uniform(0.5, 1), rng.choice(["asserted", "asserted", "planned", "hedged"])))
    conn.executemany("INSERT INTO claims (id, type, key, args, sources, evidence_count, max_confidence, status)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", claim_rows)
    conn.executemany("INSERT INTO claim_names (claim_id, role, norm) VALUES (?, ?, ?)", names)
    conn.executemany("INSERT INTO positions (claim_id, person, organization, role, person_key, organization_key)"
                     " VALUES (?, ?, ?, ?, ?, ?)", pos)
    conn.executemany("INSERT INTO awards (claim_id, recipient, award, conferred_by, year, recipient_key,"
                     " conferred_by_key) VALUES (?, ?, ?, ?, ?, ?, ?)", aw)
    conn.executemany("INSERT INTO investments (claim_id, investor, amount_value, currency, approximate, amount_text,"
                     " technology, period, investor_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", inv)
    conn.executemany("INSERT OR IGNORE INTO investment_technologies (claim_id, technology) VALUES (?, ?)", techs)
    args_by_id = {c[0]: json.loads(c[3]) for c in claim_rows}

    def evidence():
        for i in range(rows):
            cid = i % n_claims + 1
            a = args_by_id[cid]
            who = a.get("person") or a.get("recipient") or a.get("investor")
            what = a.get("organization") or a.get("conferred_by") or ", ".join(a.get("technology") or [])
            s = f"{who} and {what}: " + " ".join(rng.choices(vocab, cum_weights=cum, k=8)) + "."
            yield (i + 1, cid, rng.randint(1, n_articles), s, 0, len(s), 0.8, "bench-1", "asserted")

    conn.executemany('INSERT INTO evidence (id, claim_id, article_id, sentence, start, "end", confidence,'
                     " extractor_version, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", evidence())
    conn.execute("INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    for stmt in trig:
        conn.execute(stmt)
    conn.execute("COMMIT")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"orgs": orgs, "people": people, "agencies": agencies, "vocab": vocab, "cum": cum,
            "build_s": time.perf_counter() - t0}


def _stats(samples: list[float]) -> dict:
    s = sorted(samples)
    p99 = s[min(len(s) - 1, max(0, int(round(0.99 * len(s))) - 1))]
    return {"median_ms": round(statistics.median(s) * 1000, 3), "p99_ms": round(p99 * 1000, 3), "n": len(s)}


def bench(path: Path, names: dict, repeat: int, seed: int = 11) -> dict:
    rng = random.Random(seed)
    db = open_db(path)
    cases = {
        "entity_lookup": lambda: q.claims(db, entity=rng.choice(names["orgs"]).upper()),
        "entity_lookup_alias_filters": lambda: q.claims(db, entity=rng.choice(names["people"]), min_sources=2,
                                                        asserted_only=True, since="2018-01-01"),
        "claims_by_site_recent": lambda: q.claims(db, site=f"outlet{rng.randrange(400)}.example",
                                                  since="2024-06-01", limit=50),
        "chain_ceo_award_agency": lambda: q.chain_ceo_award_agency(db, agency=rng.choice(names["agencies"]),
                                                                   with_evidence=False),
        "chain_investments": lambda: q.chain_investments(db, technology=rng.choice(TECHS), investor=rng.choice(
            names["orgs"]), with_evidence=True),
        # two words drawn from the same Zipf distribution as the text (typical queries)
        "fts_search": lambda: q.search(db, " ".join(rng.choices(names["vocab"], cum_weights=names["cum"], k=2)),
                                       limit=20),
        # the worst case: the two most frequent words of the corpus, matching a large share of all rows
        "fts_search_common_words": lambda: q.search(db, " ".join(names["vocab"][:2]), limit=20),
        "fts_search_name": lambda: q.search(db, rng.choice(names["people"]), limit=20),
    }
    out = {}
    for name, fn in cases.items():
        fn()  # warm the cache
        samples, sizes = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            res = fn()
            samples.append(time.perf_counter() - t)
            sizes.append(len(res))
        out[name] = _stats(samples) | {"mean_results": round(statistics.mean(sizes), 1)}
    db.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="evidence rows to generate (default 1,000,000)")
    ap.add_argument("--repeat", type=int, default=200, help="timed calls per query kind")
    ap.add_argument("--db", type=Path, default=None, help="keep the generated database here (default: a temp dir)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsev-bench-") as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if path.exists():
            raise SystemExit(f"{path} exists; pass a new path")
        names = build(path, args.rows)
        results = bench(path, names, args.repeat)
        report = {"evidence_rows": args.rows, "build_s": round(names["build_s"], 1),
                  "db_mb": round(path.stat().st_size / 1e6, 1), "repeat": args.repeat, "queries": results}
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{args.rows:,} evidence rows, built in {report['build_s']} s, {report['db_mb']} MB")
        for k, v in results.items():
            print(f"  {k:30s} median {v['median_ms']:8.2f} ms   p99 {v['p99_ms']:8.2f} ms   "
                  f"({v['mean_results']} results on average, n={v['n']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
