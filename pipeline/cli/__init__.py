"""The ``newsev`` command: a thin typer layer over the library.

Each command group lives in its own module and registers itself on ``app``. User
errors raise ``UserError``: printed as one red line, exit status 2, no traceback
unless ``--debug``.
"""
from __future__ import annotations

import os
import sys

import typer

from pipeline.cli.common import UserError, console, err_console, state

app = typer.Typer(
    name="newsev",
    help="newsev turns technology news into sourced evidence.\n\nExample: newsev demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors.")) -> None:
    """newsev turns technology news into sourced evidence.

    Example: newsev query claims --entity Xiaomi
    """
    state.debug = debug


def _register() -> None:
    # Imported here so that `newsev --help` stays fast and each module owns its commands.
    from pipeline.cli import evidence_cmds, extract_cmds, ingest_cmds, query_cmds

    for module in (ingest_cmds, extract_cmds, query_cmds, evidence_cmds):
        module.register(app)


def main() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if "--debug" not in sys.argv:
        # Prefect's INFO lines would drown the progress display; --debug shows them.
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    _register()
    try:
        # Without standalone mode click hands back typer.Exit codes instead of exiting.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except UserError as exc:
        if state.debug:
            raise
        err_console.print(f"[red]error:[/red] {exc}")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors and the rest
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if state.debug:
            raise
        err_console.print(f"[red]error:[/red] {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        sys.exit(1)


__all__ = ["app", "main", "console", "UserError"]
