"""CLI commands: query claims|evidence|chain|search, packet, export, browse."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``newsev`` app."""
