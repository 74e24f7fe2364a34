"""Shared bits of the CLI: consoles, the --debug flag, user errors, option helpers.

Messages are printed with ``soft_wrap``: a one-line error stays one line in a log file or
a pipe (rich would otherwise hard-wrap at 80 columns there); tables still fit the width
and fold long words instead of cutting them ("Characteris…"). Text from users and files
goes through ``escape`` so "[[feeds]]" is printed as written, not read as markup.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

class _Console(Console):
    """Text soft-wrapped (one line stays one line); tables laid out to the width (rich
    lets a soft-wrapped table grow one column past it)."""

    def print(self, *objects, **kwargs) -> None:  # noqa: A003 (rich's name)
        if any(isinstance(o, Table) for o in objects):
            kwargs.setdefault("soft_wrap", False)
        super().print(*objects, **kwargs)


console = _Console(soft_wrap=True)
err_console = _Console(stderr=True, soft_wrap=True)


class UserError(Exception):
    """A mistake the user can fix (bad path, bad option): printed without a traceback."""


@dataclass
class _State:
    debug: bool = False


state = _State()


def db_option_default() -> Path:
    from pipeline.config import load_settings

    return load_settings().db_path


def print_error(message: str) -> None:
    """One red ``error:`` line on stderr; the message is shown as written (no markup)."""
    err_console.print(f"[red]error:[/red] {escape(str(message))}", highlight=False)


def make_table(title: str | None, columns: list[str], **kwargs) -> Table:
    """A rich table whose cells fold long words rather than cutting them with an ellipsis."""
    t = Table(title=escape(title) if title else None, **kwargs)
    for col in columns:
        t.add_column(escape(col), overflow="fold")
    return t


def rows_table(title: str | None, columns: list[str], rows: list[list[str]], max_word: int = 18,
               width: int | None = None, **kwargs) -> Table:
    """A table of plain-text cells (escaped here) that wraps between words: each column is
    at least as wide as its longest word (up to what the terminal width allows), so 80
    columns show "Characteristics" whole instead of "Characteris…" or "Character/istics"."""
    longest = []
    for i, col in enumerate(columns):
        words = [w for cell in [col.replace("_", " ")] + [r[i] for r in rows] for w in str(cell).split()]
        longest.append(max((len(w) for w in words), default=1))
    width = width or console.width
    mins = [min(n, max_word) for n in longest]
    while sum(mins) + 3 * len(columns) + 1 > width:  # too wide: narrow the widest column first
        i = max(range(len(mins)), key=mins.__getitem__)
        if mins[i] <= 6:
            break
        mins[i] -= 1
    t = Table(title=escape(title) if title else None, **kwargs)
    for col, n in zip(columns, mins):
        t.add_column(escape(col), overflow="fold", min_width=n)
    for r in rows:
        t.add_row(*[escape(str(c)) for c in r])
    return t


def choices(enum: type[Enum]) -> str:
    """'a | b | c' for an option's help text."""
    return " | ".join(m.value for m in enum)


def open_readonly(db: Path | None):
    """Open an existing evidence database for reading only (nothing is written to it);
    a missing file or a file that is not a newsev database is a user error."""
    from pipeline.store import NotNewsevDatabase, open_db_readonly

    path = Path(db) if db else db_option_default()
    if not path.is_file():
        demo = Path("data/demo.db")
        if db is None and demo.is_file():
            raise UserError(f"database not found: {path} (the default); `newsev demo` wrote {demo}: pass --db {demo}")
        raise UserError(f"database not found: {path} (run `newsev demo` or `newsev ingest` first, or pass --db)")
    try:
        return open_db_readonly(path)
    except NotNewsevDatabase as exc:
        raise UserError(str(exc)) from None
