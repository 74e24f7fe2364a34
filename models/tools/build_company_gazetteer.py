"""Build models/company_gazetteer.jsonl from the stock-index constituents in the
``pytickersymbols`` package (MIT licence; S&P 500/600, Nasdaq 100, Dow, DAX family,
FTSE 100, CAC 40, Euro Stoxx 50, Nikkei 225, ...).

    pip install pytickersymbols==1.17.10 && python models/tools/build_company_gazetteer.py

Why: the small English model tags many companies as places or people ("Sanofi" GPE).
The gazetteer repairs that (pipeline.nlp newsev_gazetteer, a PhraseMatcher on exact
case). Kept out: a one-word name that is an English word (WordNet lemmas shipped with
the model's lemmatizer: "Target", "Next", "Shell" stay unlabelled, since a capitalised
common word at a sentence start would become a company) and names the model itself
reads as a person ("Ralph Lauren"). Deterministic: same package version, same file.
"""
from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "company_gazetteer.jsonl"


def main() -> None:
    from pytickersymbols import PyTickerSymbols

    from pipeline.nlp import _read_jsonl, load_nlp
    from pipeline.resolve import fold_org

    nlp = load_nlp()
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    english = {w for pos in index.keys() for w in index[pos]}
    curated = {r["name"] for f in ("companies.jsonl", "gov_bodies.jsonl") for r in _read_jsonl(OUT.parent / f)}
    curated |= {a for f in ("companies.jsonl", "gov_bodies.jsonl") for r in _read_jsonl(OUT.parent / f)
                for a in r.get("aliases", [])}
    by_name: dict[str, set[str]] = {}
    for stock in PyTickerSymbols().get_all_stocks():
        raw = " ".join(stock["name"].split())
        name = fold_org(raw)
        if not name or name in curated or len(name) < 3 or not name[0].isalnum():
            continue
        low = name.lower()
        if len(name.split()) == 1 and (low in english or low[:-1] in english and low.endswith("s")
                                       or low[:-2] in english and low.endswith("es")):
            # "Partners Group" folds to a common word: keep the full name, or nothing
            if len(raw.split()) == 1 or raw in curated:
                continue
            name = raw
        by_name.setdefault(name, set()).update({raw} - {name})
    kept = []
    for name in sorted(by_name):
        doc = nlp(f"{name} said on Monday that sales rose.")
        if any(e.label_ == "PERSON" and e.start == 0 for e in doc.ents):
            continue  # "Ralph Lauren said": a person's name, here and in most sentences
        kept.append({"name": name, "aliases": sorted(by_name[name])})
    src = f"pytickersymbols {version('pytickersymbols')} (MIT)"
    with OUT.open("w", encoding="utf-8") as f:
        f.write(f"# {len(kept)} companies from {src}; built by models/tools/build_company_gazetteer.py\n")
        for rec in kept:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{len(kept)} companies -> {OUT}")


if __name__ == "__main__":
    main()
