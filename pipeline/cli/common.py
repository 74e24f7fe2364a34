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


def rows_table(title: str | None, columns: list[str], rows: list[list[str]], width: int | None = None,
               **kwargs) -> Table:
    """A table of plain-text cells (escaped here) that fits the terminal and wraps between
    words: the widest columns give way first, and a column goes below its longest word
    (folding it) only when every column is down to its longest word. In 100 columns
    "Characteristics" stays whole; nothing is ever cut with an ellipsis or cropped."""
    headers = [c.replace("_", " ") for c in columns]  # "position sources" wraps like a cell
    cells = [[str(c) for c in r] for r in rows]
    natural, longest = [], []
    for i, head in enumerate(headers):
        texts = [head] + [r[i] for r in cells]
        natural.append(max((len(line) for t in texts for line in t.splitlines() or [""]), default=1))
        longest.append(max((len(w) for t in texts for w in t.split()), default=1))
    avail = (width or console.width) - 3 * len(columns) - 1
    widths = list(natural)
    while sum(widths) > avail:
        over = [i for i in range(len(widths)) if widths[i] > longest[i]]
        pool = over or [i for i in range(len(widths)) if widths[i] > 3]
        if not pool:
            break
        i = max(pool, key=widths.__getitem__)
        widths[i] -= 1
    t = Table(title=escape(title) if title else None, **kwargs)
    for head, w in zip(headers, widths):
        t.add_column(escape(head), overflow="fold", width=w)
    for r in cells:
        t.add_row(*[escape(c) for c in r])
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
