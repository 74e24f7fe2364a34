"""The relation types, one registry read from ``models/relations.json``.

Why: what a relation's arguments are, which of them make a claim's identity, what eval
scores and how a claim reads as a sentence were written out in about eleven modules;
adding a type meant editing each. Here a type is one entry of data, and extract, store,
query, packets, the web view, exports and eval read it:

    get("holds_position").key          -> ("person", "organization", "role")
    claim_key(rel)                     -> ("holds_position", "lei jun", "xiaomi", "ceo")
    describe(rel)                      -> "Lei Jun is CEO of Xiaomi"
    types()                            -> ("holds_position", "received_award", "investment")

``rel`` may be a ``pipeline.types.Relation`` or its JSON dict (``{"type":..., "args":...}``).
``NEWSEV_RELATIONS`` (a path to another relations.json) replaces the bundled file: a new
type is an entry there, with no code change.

Relation identity is defined here once (``key_args``): the store's claim key and the
extractor's merging of repeats in a sentence both call it. The store passes its resolver
of canonical entity names; without one a name is only normalized.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

__all__ = ["RelationType", "get", "types", "claim_key", "key_args", "describe", "clean_value", "source", "lookup", "all_types",
           "ENV"]

ENV = "NEWSEV_RELATIONS"
# "X award" (a common noun appended) names the award X; lowercase only: "Grand Award" is a name.
_AWARD_TAIL = re.compile(r"\s+(award|prize|honou?r|title|medal)$")


@dataclass(frozen=True)
class RelationType:
    name: str
    args: Mapping[str, Mapping[str, Any]]  # argument -> {"labels": [...]} | {"values": [...]} | {"kind": ...}
    key: tuple[str, ...]  # the arguments making a claim's identity
    scored: tuple[str, ...]  # the arguments eval compares, in order
    attributes: tuple[str, ...] = ()
    title: str = ""  # section heading (packets, web view)
    table: str | None = None  # typed table, one row per claim
    templates: Mapping[str, str] = field(default_factory=dict)  # "default" | "former" | a status -> template
    role_text: Mapping[str, str] = field(default_factory=dict)

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(self.args)

    @property
    def key_args(self) -> tuple[str, ...]:
        return self.key

    @property
    def template(self) -> str:
        return self.templates.get("default", "")

    def labels(self, arg: str) -> tuple[str, ...]:
        return tuple(self.args.get(arg, {}).get("labels", ()))

    @property
    def entity_args(self) -> dict[str, str]:
        """Arguments that name an entity -> the label its entity row gets (the first one)."""
        return {a: spec["labels"][0] for a, spec in self.args.items() if spec.get("labels")}

    def kind(self, arg: str) -> str:
        """What fills an argument: 'entity', 'values', or the spec's kind (year, amount,
        technologies, text); 'text' for an argument the type does not name."""
        spec = self.args.get(arg, {})
        if spec.get("labels"):
            return "entity"
        if "values" in spec:
            return "values"
        return spec.get("kind", "text")

    def is_list(self, arg: str) -> bool:
        return self.kind(arg) == "technologies"


def source() -> Path:
    """The relations.json in use: $NEWSEV_RELATIONS, else the bundled one."""
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    from pipeline.config import MODELS_DIR

    return MODELS_DIR / "relations.json"


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, RelationType]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))["types"]
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"cannot read the relation types from {path}: {exc}") from None
    out = {}
    for name, spec in data.items():
        tpl = spec.get("describe", "")
        templates = dict(tpl) if isinstance(tpl, Mapping) else {"default": tpl}
        unknown = [a for a in (*spec["key"], *spec["scored"]) if a not in spec["args"]]
        if unknown:
            raise ValueError(f"{path}: {name} keys or scores arguments it does not have: {', '.join(unknown)}")
        out[name] = RelationType(
            name=name, args=spec["args"], key=tuple(spec["key"]), scored=tuple(spec["scored"]),
            attributes=tuple(spec.get("attributes", ())), title=spec.get("title") or name,
            table=spec.get("table"), templates=templates, role_text=spec.get("role_text", {}))
    return out


def _registry() -> dict[str, RelationType]:
    return _load(str(source()))


def types() -> tuple[str, ...]:
    return tuple(_registry())


def all_types() -> list[RelationType]:
    return list(_registry().values())


def get(name: str) -> RelationType:
    try:
        return _registry()[name]
    except KeyError:
        raise KeyError(f"unknown relation type {name!r} ({source().name} knows {', '.join(types())})") from None


def lookup(name: str, args: Mapping[str, Any]) -> RelationType:
    """The registered type, or for a type the registry does not know (a stale rule, an
    older database) one read off the relation itself: every argument text, all of them the
    key, nothing scored, no table. The store keeps such evidence rather than lose it."""
    try:
        return _registry()[name]
    except KeyError:
        names = tuple(sorted(args))
        return RelationType(name=name, args={a: {} for a in names}, key=names, scored=(), title=name)


def _parts(rel) -> tuple[str, Mapping[str, Any], Mapping[str, Any] | None, str | None]:
    if isinstance(rel, Mapping):
        return rel["type"], rel.get("args") or {}, rel.get("time"), rel.get("status")
    return rel.type, rel.args, getattr(rel, "time", None), getattr(rel, "status", None)


# -- identity -------------------------------------------------------------------------------------


def clean_value(rt: RelationType, arg: str, value: Any) -> Any:
    """An argument as the store shows it: an award's appended common noun dropped."""
    if isinstance(value, str) and "AWARD" in rt.labels(arg):
        return _AWARD_TAIL.sub("", value).strip() or value
    return value


def _normalize(name: str) -> str:
    from pipeline.store import normalize_name

    return normalize_name(name)


def key_part(rt: RelationType, arg: str, value: Any, entity: Callable[[str, str], str] | None = None) -> Any:
    """The normalized form of one argument in a claim key (JSON-able). ``entity(name, label)``
    gives an entity's canonical key (the store's alias resolution); default: normalized name."""
    kind = rt.kind(arg)
    value = clean_value(rt, arg, value)
    if value is None:
        return None
    if kind == "entity" and isinstance(value, str):
        return entity(value, rt.entity_args[arg]) if entity else _normalize(value)
    if kind == "values" and isinstance(value, str):
        return value.strip().casefold()
    if kind == "year":
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value)
    if kind == "amount":
        if not isinstance(value, Mapping):
            return None
        try:
            val = float(f"{float(value.get('value')):.4g}")
        except (TypeError, ValueError):
            val = None
        return [val, str(value.get("currency") or "").upper()]
    if kind == "technologies":
        items = value if isinstance(value, (list, tuple)) else [value]
        return sorted({str(t).casefold() for t in items if t})
    if isinstance(value, str):
        return _normalize(value)
    return value


def key_args(rtype: str, args: Mapping[str, Any], entity: Callable[[str, str], str] | None = None) -> dict:
    """The identity of a claim as {key argument: normalized value} (time, status, evidence
    and non-key arguments aside). The store's claim key is this dict as JSON."""
    rt = lookup(rtype, args)
    return {k: key_part(rt, k, args.get(k), entity) for k in rt.key}


def _hashable(v: Any) -> Any:
    return tuple(_hashable(x) for x in v) if isinstance(v, list) else v


def key_values(rtype: str, args: Mapping[str, Any]) -> tuple:
    return tuple(_hashable(v) for v in key_args(rtype, args).values())


def claim_key(rel) -> tuple:
    """The identity of a claim: its type and normalized key arguments."""
    rtype, args, _, _ = _parts(rel)
    return (rtype,) + key_values(rtype, args)


# -- a claim as a sentence ----------------------------------------------------------------------------

_FIELD = re.compile(r"\{([\w.]+)(?:\|([^{}]*))?\}")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def _text(rt: RelationType, name: str, args: Mapping[str, Any]) -> str:
    head, _, sub = name.partition(".")
    val = args.get(head)
    if sub:
        val = val.get(sub) if isinstance(val, Mapping) else None
    if rt.kind(head) == "values" and isinstance(val, str) and not sub:
        return rt.role_text.get(val, val)
    if isinstance(val, (tuple, list)):
        return ", ".join(str(v) for v in val if v)
    if isinstance(val, Mapping):  # an amount: as the text wrote it, else value and currency
        if val.get("text"):
            return str(val["text"])
        if val.get("value") is not None:
            try:
                return f"{float(val['value']):,.0f} {val.get('currency') or ''}".strip()
            except (TypeError, ValueError):
                return str(val["value"])
        return ""
    return "" if val is None else str(val)


def describe(rel, status: str | None = None) -> str:
    """The claim as a short sentence ("Lei Jun is CEO of Xiaomi"), from the type's template
    for its case: 'former' when its time says so, else its status, else 'default'."""
    rtype, args, time, st = _parts(rel)
    rt = lookup(rtype, args)
    status = status or st
    state = (time or {}).get("state") if isinstance(time, Mapping) else None
    tpl = (rt.templates.get(state or "") or rt.templates.get(status or "") or rt.template)
    if not tpl:
        return f"{rtype}: " + ", ".join(f"{k}={v}" for k, v in args.items())

    def seg(m: re.Match) -> str:
        body = m.group(1)
        return body if all(_text(rt, f, args) or alt for f, alt in _FIELD.findall(body)) else ""

    out = _SEGMENT.sub(seg, tpl)
    return _FIELD.sub(lambda m: _text(rt, m.group(1), args) or (m.group(2) or ""), out)
