"""Shared bits of the CLI: consoles, the --debug flag, user errors, option helpers."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


class UserError(Exception):
    """A mistake the user can fix (bad path, bad option): printed without a traceback."""


@dataclass
class _State:
    debug: bool = False


state = _State()


def db_option_default() -> Path:
    from pipeline.config import load_settings

    return load_settings().db_path
