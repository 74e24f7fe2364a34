"""Build models/nationalities.txt (one word a line): words that name a nationality,
people, religion or political camp, which the small model rightly tags NORP.

    python models/tools/build_nationalities.py   (needs ``babel``, installed with followthemoney)

Sources: the English names of languages in the CLDR data that ``babel`` ships (Unicode
licence: "Chinese", "German", "Swedish"), one word each, and the demonyms and group words
below that are no language name ("American", "Israeli", "Republican"), with their plurals.

Why: the small English model tags unknown companies as nationalities ("Rivian chief
executive X", Rivian NORP). In a slot that only an organisation fills, a NORP word that is
not listed here is read as an organisation (pipeline.nlp newsev_person_repair); "Chinese
chief executive" or "Republican chairman" stay NORP. Deterministic: same babel version,
same file.
"""
from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "nationalities.txt"

DEMONYMS = """
Afghan Algerian American Angolan Argentine Argentinian Australian Austrian Azeri Bahraini Bangladeshi
Belgian Bolivian Bosnian Brazilian British Briton Cambodian Cameroonian Canadian Chilean Colombian
Congolese Rican Cuban Cypriot Ecuadorian Egyptian Emirati Eritrean Ethiopian European Filipino
Ghanaian Guatemalan Haitian Honduran Indian Iranian Iraqi Israeli Ivorian Jamaican Jordanian Kenyan
Kosovar Kuwaiti Lebanese Liberian Libyan Malaysian Malian Mexican Moroccan Mozambican Namibian
Nicaraguan Nigerian Nigerien Omani Pakistani Palestinian Panamanian Paraguayan Peruvian Qatari
Rwandan Salvadoran Saudi Scottish Scots Senegalese Singaporean Slovak Slovakian Slovene Slovenian
Somali Lankan Sudanese Swiss Syrian Taiwanese Tanzanian Thai Tunisian Turk Ugandan Ukrainian
Uruguayan Uzbek Venezuelan Vietnamese Yemeni Zambian Zimbabwean Kiwi Kurd Arab Asian African
Latin Latino Hispanic Western Eastern Nordic Scandinavian Baltic Balkan Gulf Caribbean Soviet
Sino Anglo Euro Pan-African Pan-European Transatlantic Aboriginal Indigenous
Muslim Christian Jewish Jew Catholic Protestant Orthodox Evangelical Hindu Sikh Buddhist Sunni
Shia Shiite Islamic Islamist Mormon Anglican Lutheran Methodist Baptist
Republican Democrat Democratic Conservative Liberal Labour Tory Tories Communist Socialist
Green Greens Nationalist Unionist Loyalist Royalist Libertarian Progressive Populist Maoist
Marxist Leninist Bolshevik Nazi Fascist Zionist Gaullist Peronist Chavista Taliban
"""


def main() -> None:
    from babel import Locale, __version__

    words: set[str] = set()
    for name in Locale("en").languages.values():
        if " " not in name and name[:1].isupper() and name.isalpha():
            words.add(name)
    for w in DEMONYMS.split():
        words.add(w)
    plural = {w + "s" for w in words if w.endswith(("an", "i", "ist", "ic", "ot", "er", "ite", "on", "k", "b", "d", "w", "e"))}
    words |= plural
    lines = [f"# {len(words)} nationality, people, religion and party words: CLDR language names from babel "
             f"{__version__} (Unicode licence) and the demonyms of models/tools/build_nationalities.py; "
             "built by models/tools/build_nationalities.py"]
    lines += sorted(words)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
