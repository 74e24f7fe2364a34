"""CLI commands: ingest, rerun, serve, demo, runs."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``newsev`` app."""
