"""The ``newsev`` command: a thin typer layer over the library.

Each command group lives in its own module and registers itself on ``app``. User
errors raise ``UserError``: printed as one red line, exit status 2, no traceback
unless ``--debug``.
"""
from __future__ import annotations

import os
import sys

import typer

from pipeline.cli.common import UserError, console, err_console, print_error, state

# Plain (click-style) help: flags show as flags ("--allow-private"), not "--allow-private <bool>"
# as typer's rich panels print them, and help reads the same in a terminal, a pipe or a file.
HELP_STYLE = {"rich_markup_mode": None}

app = typer.Typer(
    name="newsev",
    help="newsev turns technology news into sourced evidence.\n\nExample: newsev demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    **HELP_STYLE,
)


def _click_errors() -> tuple[type[BaseException], ...]:
    """Usage errors of click and of the click copy newer typer versions carry."""
    import click

    kinds: list[type[BaseException]] = [click.exceptions.ClickException]
    try:
        from typer._click.exceptions import ClickException as TyperClickException  # typer >= 0.2x
        kinds.append(TyperClickException)
    except ImportError:
        pass
    return tuple(kinds)


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
    _plain_help(app)


def _plain_help(typer_app: typer.Typer) -> None:
    """Every command group, whoever registered it, prints plain help (see HELP_STYLE)."""
    typer_app.rich_markup_mode = None
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _plain_help(group.typer_instance)


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
        print_error(str(exc))
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors and the rest
        if isinstance(exc, _click_errors()):
            exc.show()  # "Error: Missing option '--format' / '-f'.", with the usage line
            sys.exit(exc.exit_code)
        if state.debug:
            raise
        print_error(f"{type(exc).__name__}: {exc} (run with --debug for the traceback)")
        sys.exit(1)


__all__ = ["app", "main", "console", "UserError", "HELP_STYLE"]
