"""The relation types, one registry read from ``models/relations.json``.

Why: what a relation's arguments are, which of them make a claim's identity and how a
claim reads as a sentence were written out in many modules; adding a type meant editing
each. Here a type is one entry of data:

    get("holds_position").key          -> ("person", "organization", "role")
    claim_key(rel)                     -> ("holds_position", "Lei Jun", "Xiaomi", "ceo")
    describe(rel)                      -> "Lei Jun is CEO of Xiaomi"
    types()                            -> ("holds_position", "received_award", "investment")

``rel`` may be a ``pipeline.types.Relation`` or its JSON dict (``{"type":..., "args":...}``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

__all__ = ["RelationType", "get", "types", "claim_key", "describe", "key_values"]


@dataclass(frozen=True)
class RelationType:
    name: str
    args: Mapping[str, Mapping[str, Any]]  # argument -> {"labels": [...]} | {"values": [...]} | {"kind": ...}
    key: tuple[str, ...]  # argument paths making a claim's identity ("amount.value", "award:casefold")
    scored: tuple[str, ...]
    attributes: tuple[str, ...] = ()
    template: str = ""
    template_former: str = ""
    role_text: Mapping[str, str] = field(default_factory=dict)

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(self.args)

    @property
    def key_args(self) -> tuple[str, ...]:
        """The argument names of the key, without paths or folds."""
        return tuple(k.split(":")[0].split(".")[0] for k in self.key)

    def labels(self, arg: str) -> tuple[str, ...]:
        return tuple(self.args.get(arg, {}).get("labels", ()))


@lru_cache(maxsize=1)
def _registry() -> dict[str, RelationType]:
    from pipeline.nlp import load_json

    data = load_json("relations.json")["types"]
    return {name: RelationType(name=name, args=spec["args"], key=tuple(spec["key"]), scored=tuple(spec["scored"]),
                               attributes=tuple(spec.get("attributes", ())), template=spec.get("describe", ""),
                               template_former=spec.get("describe_former", ""),
                               role_text=spec.get("role_text", {}))
            for name, spec in data.items()}


def types() -> tuple[str, ...]:
    return tuple(_registry())


def get(name: str) -> RelationType:
    try:
        return _registry()[name]
    except KeyError:
        raise KeyError(f"unknown relation type {name!r} (models/relations.json knows {', '.join(types())})") from None


def _parts(rel) -> tuple[str, Mapping[str, Any], Mapping[str, Any] | None]:
    if isinstance(rel, Mapping):
        return rel["type"], rel.get("args") or {}, rel.get("time")
    return rel.type, rel.args, getattr(rel, "time", None)


def _read(args: Mapping[str, Any], path: str) -> Any:
    name, _, fold = path.partition(":")
    head, _, sub = name.partition(".")
    val = args.get(head)
    if sub:
        val = val.get(sub) if isinstance(val, Mapping) else None
    if isinstance(val, list):
        val = tuple(val)
    if fold == "casefold" and isinstance(val, str):
        val = val.casefold()
    return val


def key_values(rtype: str, args: Mapping[str, Any]) -> tuple:
    return tuple(_read(args, k) for k in get(rtype).key)


def claim_key(rel) -> tuple:
    """The identity of a claim: its type and key arguments (time, status, evidence aside)."""
    rtype, args, _ = _parts(rel)
    return (rtype,) + key_values(rtype, args)


_FIELD = re.compile(r"\{([\w.]+)\}")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def _text(rt: RelationType, name: str, args: Mapping[str, Any]) -> str:
    val = _read(args, name)
    if name == "role" and isinstance(val, str):
        return rt.role_text.get(val, val)
    if isinstance(val, (tuple, list)):
        return ", ".join(str(v) for v in val)
    if isinstance(val, Mapping):
        return str(val.get("text") or val.get("value") or "")
    return "" if val is None else str(val)


def describe(rel) -> str:
    """The claim as a short sentence ("Lei Jun is CEO of Xiaomi"), from the type's template."""
    rtype, args, time = _parts(rel)
    rt = get(rtype)
    tpl = rt.template_former if (time or {}).get("state") == "former" and rt.template_former else rt.template

    def seg(m: re.Match) -> str:
        body = m.group(1)
        return body if all(_text(rt, f, args) for f in _FIELD.findall(body)) else ""

    out = _SEGMENT.sub(seg, tpl)
    return _FIELD.sub(lambda m: _text(rt, m.group(1), args), out)
