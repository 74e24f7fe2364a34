"""Figures of the employer + title probe (``tests/probes/employer_title.jsonl``).

    python tests/probes/measure_employer_title.py [--half a|b] [--modes off,confidence,on] [--errors]

Per scorer mode and half: recall of the gold positions (role checked, as ``score.py``
matches) and of the person–organisation pairs (any role), precision of the claims, and the
share of the listed negative person–organisation pairs that get any ``holds_position``.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

PROBE = Path(__file__).with_name("employer_title.jsonl")


def load(half: str | None = None) -> list[dict]:
    rows = [json.loads(x) for x in PROBE.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [r for r in rows if half is None or r["id"].split("-")[1] == half]


def measure(rows: list[dict], mode: str, errors: bool = False) -> dict:
    from pipeline.evaluate import normalize, predict, scoring_tuples, tuple_matches

    old = os.environ.get("NEWSEV_SCORER")
    os.environ["NEWSEV_SCORER"] = mode
    try:
        pred = predict(rows)
    finally:
        if old is None:
            os.environ.pop("NEWSEV_SCORER", None)
        else:
            os.environ["NEWSEV_SCORER"] = old

    def alts(v):
        return {normalize(x) for x in (v if isinstance(v, list) else [v])}

    gold_n = tp = pair_tp = neg_n = neg_hit = claims = right = 0
    for g in rows:
        rels = [r for r in pred.get(g["id"], {}).get("relations", []) if r["type"] == "holds_position"]
        pts = [t for r in rels for t in scoring_tuples(r)]
        gts = [t for r in g["relations"] for t in scoring_tuples(r)]
        pairs = {(normalize(r["args"]["person"]), normalize(r["args"]["organization"])) for r in rels}
        for r, t in zip(g["relations"], gts):
            gold_n += 1
            ok = any(tuple_matches(t, p) for p in pts)
            tp += ok
            a = r["args"]
            pair_ok = any(p in alts(a["person"]) and o in alts(a["organization"]) for p, o in pairs)
            pair_tp += pair_ok
            if errors and not ok:
                print(f"  miss {g['id']}: {a} {'(pair found)' if pair_ok else ''}")
        for p, o in g.get("negative_pairs", []):
            neg_n += 1
            hit = (normalize(p), normalize(o)) in pairs
            neg_hit += hit
            if errors and hit:
                print(f"  NEG  {g['id']}: {p} / {o}")
        for t in {t for t in pts}:
            claims += 1
            good = any(tuple_matches(x, t) for x in gts)
            right += good
            if errors and not good:
                print(f"  fp   {g['id']}: {t}")
    return {"mode": mode, "gold": gold_n, "recall": round(tp / gold_n, 3) if gold_n else None,
            "pair_recall": round(pair_tp / gold_n, 3) if gold_n else None,
            "precision": round(right / claims, 3) if claims else None, "claims": claims,
            "negative_pairs": neg_n, "negative_share": round(neg_hit / neg_n, 3) if neg_n else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--half", choices=("a", "b"))
    ap.add_argument("--modes", default="off,confidence,on")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    rows = load(args.half)
    for m in args.modes.split(","):
        print(json.dumps(measure(rows, m, args.errors)))


if __name__ == "__main__":
    main()
