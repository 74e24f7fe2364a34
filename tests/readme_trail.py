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


def base_url() -> str:
    """Where the demo fetched the sample (8765, or the free port it fell back to)."""
    import sqlite3

    con = sqlite3.connect(f"file:{rc.workdir() / 'data' / 'demo.db'}?mode=ro", uri=True)
    try:
        url = con.execute("SELECT url FROM articles WHERE url LIKE 'http://127.0.0.1:%' GROUP BY"
                          " substr(url, 1, instr(substr(url, 18), '/') + 17) ORDER BY count(*) DESC").fetchone()[0]
    finally:
        con.close()
    return url.split("/pages/", 1)[0]


def _out(cmd: str, serve: bool) -> str:
    """Output of ``cmd`` ({BASE} is the sample's address), with the sample served where
    the demo fetched it when ``serve``."""
    if not serve:
        return rc._run(cmd)
    from urllib.parse import urlsplit

    from pipeline.demo import serve_directory

    base = base_url()
    with serve_directory(port=urlsplit(base).port):
        return rc._run(cmd.replace("{BASE}", base))


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
        cog.outl(f"$ {_normalize(cmd.replace('{BASE}', 'http://127.0.0.1:8765'))}")
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
