"""Generators for the README transcripts of the evidence trail (issue 12), on the
pattern of ``readme_cog``: commands run in the README's demo directory, and their
output is shown with what differs between two honest runs made the same (the sample
server's port, today's date and times, fetch times).

Commands that write (review, watch, verify) work on copies of ``data/demo.db`` or on
new files, so every other transcript keeps reading the demo as it was.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import shutil

import readme_cog as rc

FIXED_DAY = "2026-12-01"


FIXED_TIME = FIXED_DAY + "T12:00:00.000000"


def _fixed(m: re.Match) -> str:
    """The same time format, same length (tables stay aligned), fixed digits."""
    return "".join(FIXED_TIME[i] if ch.isdigit() and i < len(FIXED_TIME) else ch for i, ch in enumerate(m.group(0)))


def _normalize(text: str) -> str:
    text = rc._normalize(text)
    text = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?", _fixed, text)
    today = _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    return text.replace(today, FIXED_DAY)


def _emit(cmd: str, out: str, lang: str = "console") -> None:
    import cog

    cog.outl(f"```{lang}")
    if cmd:
        cog.outl(f"$ {cmd}")
    cog.outl(_normalize(out).rstrip("\n"))
    cog.outl("```")


def _out(cmd: str, serve: bool) -> str:
    if not serve:
        return rc._run(cmd)
    from pipeline.demo import SAMPLE_PORT, serve_directory

    try:
        with serve_directory(port=SAMPLE_PORT):
            return rc._run(cmd)
    except OSError:  # 8765 is taken: by `newsev demo --serve` in another terminal, we assume
        return rc._run(cmd)


def run(cmd: str, head: int | None = None, serve: bool = False, show: bool = True) -> str:
    """Run ``cmd`` in the demo directory; show it with its output (first ``head`` lines)."""
    out = _out(cmd, serve)
    shown = out
    if head is not None and len(out.splitlines()) > head:
        shown = "\n".join(out.splitlines()[:head]) + "\n..."
    if show:
        _emit(cmd, shown)
    return out


def runs(cmds: list[str], serve: bool = False) -> None:
    """Several commands and their outputs in one console block."""
    import cog

    cog.outl("```console")
    for cmd in cmds:
        if cmd.startswith("cp "):
            _, src, dst = cmd.split()
            shutil.copy(rc.workdir() / src, rc.workdir() / dst)
            cog.outl(f"$ {cmd}")
            continue
        if cmd.startswith("rm "):
            for name in cmd.split()[2 if cmd.startswith("rm -f ") else 1:]:
                for p in rc.workdir().glob(name + "*"):
                    p.unlink()
            cog.outl(f"$ {cmd}")
            continue
        out = _out(cmd, serve)
        cog.outl(f"$ {cmd}")
        text = _normalize(out).rstrip("\n")
        if text:
            cog.outl(text)
    cog.outl("```")


def json_item(path: str, pick: str = "annotation", contains: str = "", lang: str = "json") -> None:
    """One item of a JSON or JSON Lines file the previous command wrote, pretty-printed:
    the first annotation of a collection, or the first FtM entity of schema ``pick``,
    whose text contains ``contains``."""
    p = rc.workdir() / path
    if pick == "annotation":
        items = json.loads(p.read_text(encoding="utf-8"))["first"]["items"]
    else:
        items = [e for e in map(json.loads, p.read_text(encoding="utf-8").splitlines()) if e["schema"] == pick]
    item = next(i for i in items if contains in json.dumps(i, ensure_ascii=False))
    _emit("", json.dumps(item, ensure_ascii=False, indent=2), lang)


claim_id = rc.claim_id
