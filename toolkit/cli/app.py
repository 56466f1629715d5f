"""The ``bitext`` command group, error reporting and exit codes. No toolkit logic lives here.

Each command is a small module ``cmd_*.py`` registering itself on :data:`app`; commands return
an exit code (``None`` means 0). Library errors (:class:`toolkit.errors.ToolkitError`) become one
line ``bitext: PATH:LINE: message`` on stderr and their ``exit_code``; usage errors exit 1.
"""
from __future__ import annotations

import os
import signal
import sys

import click

from toolkit import __version__
from toolkit.errors import EXIT_INPUT, ToolkitError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bitext")
def app() -> None:
    """Vietnamese→English bitext toolkit: segment, draft with MarianMT, enforce a glossary, write PO/TSV."""


INTERRUPTED = "interrupted; finished files are kept, re-run the same command to resume"


def _error(message: str) -> None:
    click.echo(f"bitext: error: {message}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (see toolkit.errors for their meaning)."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `bitext segment x | head` stays quiet
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="surrogateescape" if stream is sys.stdout else "replace")
    try:
        rv = app.main(args=argv, prog_name="bitext", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.Abort as e:  # click turns Ctrl-C (KeyboardInterrupt) into Abort
        if isinstance(e.__cause__, KeyboardInterrupt):
            _error(INTERRUPTED)
        else:
            _error("aborted")
        return 130
    except click.ClickException as e:  # bad options, missing arguments, bad parameter values
        _error(e.format_message())
        return EXIT_INPUT
    except ToolkitError as e:
        _error(str(e))
        return e.exit_code
    except OSError as e:  # the environment, not a bug: a folder vanished, permissions, disk full
        where = f"{e.filename}: " if e.filename else ""
        _error(f"{where}{e.strerror or e}")
        return EXIT_INPUT
    except KeyboardInterrupt:
        _error(INTERRUPTED)
        return 130
    except Exception as e:  # a bug: one line for the user, the traceback only on request
        if os.environ.get("BITEXT_DEBUG"):
            raise
        _error(f"internal error: {type(e).__name__}: {e} (set BITEXT_DEBUG=1 for the traceback)")
        return EXIT_INPUT
    return int(rv or 0)
