"""Money amounts, technologies and time periods found by character offsets in plain text.

Working on characters, not tokens, keeps these finders independent of how the
tokenizer splits "$7.7bn" or "5G". The lexicons are data: ``models/currencies.json``
(symbols, words, scales, approximate words) and ``models/technologies.jsonl`` (canonical
technology names with aliases; "machine learning" and friends fold into ``AI``, see the
file's first line). An amount needs a currency: a bare "7.7 billion" is not money.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import lru_cache

from pipeline.config import MODELS_DIR

__all__ = ["parse_amount", "find_amounts", "find_technologies", "normalize_technology",
           "parse_period", "find_periods"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def _alt(words, flags: str = "") -> str:
    """An alternation of literal words, longest first so "US$" wins over "$"."""
    body = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return f"(?{flags}:{body})" if flags else f"(?:{body})"


@lru_cache(maxsize=1)
def _money():
    data = json.loads((MODELS_DIR / "currencies.json").read_text(encoding="utf-8"))
    prefixes = data["prefixes"]
    suffixes = {k.lower(): v for k, v in data["suffixes"].items()}
    scales = {k.lower(): float(v) for k, v in data["scales"].items()}
    approx = _alt(data["approximate"], "i")
    scale = _alt(scales, "i")
    scales_re = rf"(?P<scales>(?:(?:\s?|-){scale}(?![A-Za-z]))(?:\s+{scale}(?![A-Za-z]))*)?"
    scales_re2 = scales_re.replace("?P<scales>", "?P<scales2>")
    pattern = re.compile(
        rf"(?:(?<![\w])(?P<approx>{approx})\s*)?"
        rf"(?:(?<![A-Za-z0-9])(?P<pre>{_alt(prefixes)})\s?(?P<num>{_NUM}){scales_re}"
        rf"|(?<![\w.,$])(?P<num2>{_NUM}|{_alt(data['number_words'], 'i')}(?=\s)){scales_re2}(?:\s+|-)(?P<suf>{_alt(suffixes, 'i')}))"
        rf"(?![A-Za-z0-9])"
    )
    scale_find = re.compile(scale, re.I)
    words = {k.lower(): v for k, v in data["number_words"].items()}
    return pattern, prefixes, suffixes, scales, set(w.lower() for w in data["needs_scale"]), scale_find, words


def find_amounts(text: str) -> list[tuple[int, int, dict]]:
    """All money amounts in ``text`` as (start, end, amount) with ``text[start:end]`` the
    amount as written, approximate word included."""
    pattern, prefixes, suffixes, scales, needs_scale, scale_find, number_words = _money()
    out = []
    for m in pattern.finditer(text):
        num = m.group("num") or m.group("num2")
        scale_text = m.group("scales") or m.group("scales2") or ""
        word_number = number_words.get(re.sub(r"\s+", " ", num).lower())
        if word_number is not None:
            if not any(len(s) >= 4 for s in scale_find.findall(scale_text)):
                continue  # "a dollar", "one m": only "a billion dollars" counts
            num = repr(word_number)
        if m.group("pre"):
            currency = prefixes[m.group("pre")]
        else:
            word = re.sub(r"\s+", " ", m.group("suf")).lower()
            if word in needs_scale and not scale_text:
                continue
            currency = suffixes[word]
        value = Decimal(num.replace(",", ""))
        for s in scale_find.findall(scale_text):
            value *= Decimal(repr(scales[s.lower()]))
        out.append((m.start(), m.end(), {
            "value": float(value),
            "currency": currency,
            "approximate": m.group("approx") is not None,
            "text": m.group(0),
        }))
    return out


def parse_amount(text: str) -> dict | None:
    """The first money amount in ``text``, or None."""
    found = find_amounts(text)
    return found[0][2] if found else None


@lru_cache(maxsize=1)
def _techs():
    exact, folded, canon = {}, {}, []
    for line in (MODELS_DIR / "technologies.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "name" not in row:
            continue  # the header line documents the file
        canon.append(row["name"])
        for alias in [row["name"], *row.get("aliases", [])]:
            if alias == alias.lower():
                folded[alias] = row["name"]
            else:
                exact[alias] = row["name"]
    # One alternation, longest alias first, lower-case aliases case-insensitive.
    items = sorted([(a, False) for a in exact] + [(a, True) for a in folded], key=lambda x: len(x[0]), reverse=True)
    # A space inside an alias may be written as a hyphen ("an electric-vehicle plant").
    body = "|".join(f"(?i:{_alias_re(a)})" if fold else _alias_re(a) for a, fold in items)
    pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w])")  # not "blue-chip"
    return pattern, exact, folded


def _alias_re(alias: str) -> str:
    return r"[\s-]+".join(re.escape(w) for w in alias.split(" "))


def normalize_technology(text: str) -> str | None:
    """The canonical name of a technology written as ``text`` (one whole alias), or None."""
    _, exact, folded = _techs()
    t = re.sub(r"\s+", " ", text.strip())
    found = exact.get(t) or folded.get(t.lower())
    if found is None and "-" in t:
        t = re.sub(r"\s*-\s*", " ", t)
        found = exact.get(t) or folded.get(t.lower())
    return found


def find_technologies(text: str) -> list[tuple[int, int, str]]:
    """Technologies named in ``text`` as (start, end, canonical name), left to right."""
    pattern, _, _ = _techs()
    out = []
    for m in pattern.finditer(text):
        name = normalize_technology(m.group(0))
        if name:
            out.append((m.start(), m.end(), name))
    return out


_N = (r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
      r"a few|few|several|a couple of|couple of)")
_UNIT = r"(?:years?|months?|decades?|quarters?)"
_YEAR = r"(?:19|20)\d\d"
_PERIOD = re.compile(
    rf"(?<![\w])(?:"
    rf"(?:over|in|within|during|for)\s+the\s+(?:course\s+of\s+the\s+)?(?:next|coming|following|past|last)\s+(?:{_N}\s+)?{_UNIT}"
    rf"|(?:over|within|in|for)\s+(?:a\s+period\s+of\s+)?{_N}(?:-|\s+){_UNIT}"
    rf"|(?:between|from)\s+{_YEAR}\s+(?:and|to|through)\s+{_YEAR}"
    rf"|(?:through|thru|until|till|to|by|before|up\s+to)\s+(?:the\s+end\s+of\s+)?(?:fiscal\s+)?{_YEAR}"
    rf"|(?:by|before|until)\s+the\s+end\s+of\s+(?:the\s+)?(?:(?:this|next)\s+)?(?:year|decade)"
    rf"|(?:over|in|during|for|across)\s+an?\s+{_N}[-\s]{_UNIT.replace('s?', '')}\s+(?:period|span|plan|stretch)"
    rf"|in\s+{_YEAR}\s*[-–]\s*(?:{_YEAR}|\d\d)"
    rf"|(?:in|for|during|over)\s+(?:its|the|their|this|next)\s+(?:{_YEAR}\s+fiscal\s+year|fiscal\s+(?:year\s+)?{_YEAR}|(?:current|coming|next)\s+fiscal\s+year)"
    rf"|(?:this|next)\s+year|annually|per\s+annum|(?:each|every|per|a)\s+year"
    rf")(?![\w])",
    re.I,
)


def find_periods(text: str) -> list[tuple[int, int, str]]:
    """Time spans of a spend ("over the next five years", "through 2030") with offsets."""
    return [(m.start(), m.end(), m.group(0)) for m in _PERIOD.finditer(text)]


def parse_period(text: str) -> str | None:
    """The first period phrase in ``text`` as written, or None."""
    found = find_periods(text)
    return found[0][2] if found else None
