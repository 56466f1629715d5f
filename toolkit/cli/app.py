"""The ``bitext`` command group, error reporting and exit codes. No toolkit logic lives here.

Each command is a small module ``cmd_*.py`` registering itself on :data:`app`; commands return
an exit code (``None`` means 0). Library errors (:class:`toolkit.errors.ToolkitError`) become one
line ``bitext: PATH:LINE: message`` on stderr and their ``exit_code``; usage errors exit 1.
A group run without a subcommand (``bitext``, ``bitext glossary``) prints its help and exits 0.

Closed standard streams (``<&-``, ``>&-``, ``2>&-``) never crash a command: before anything runs,
each closed descriptor 0/1/2 is reopened on ``os.devnull`` (so a file opened later cannot take
its number and receive stray output) and ``sys.stdin``/``stdout``/``stderr`` get a stand-in.
Messages to a closed stderr are dropped; a command whose product *is* standard output or input
(``segment``, ``render`` without ``-o``, ``export -o -``) calls :func:`require_stream` and stops with one line.
"""
from __future__ import annotations

import io
import os
import signal
import sys

import click

from toolkit import __version__
from toolkit.errors import EXIT_INPUT, InputError, OutputError, ToolkitError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bitext")
def app() -> None:
    """Vietnamese→English bitext toolkit: segment, draft with MarianMT, enforce a glossary, write PO/TSV."""


INTERRUPTED = "interrupted; finished files are kept, re-run the same command to resume"


def _error(message: str) -> None:
    click.echo(f"bitext: error: {message}", err=True)


_STREAMS = ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w"))

# Names of the standard streams that were closed when main() started (see the module docstring).
closed_streams: frozenset[str] = frozenset()


def _fd_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def reopen_closed_streams() -> frozenset[str]:
    """Give every closed standard stream a stand-in on ``os.devnull``; returns the names of those closed.

    A stream counts as closed when its descriptor is not open or Python set ``sys.<name>`` to None
    (it does so when the descriptor was closed at start-up). The descriptor itself is reopened on
    the null device (``dup2``) so that later ``open()`` calls and child processes never get 0, 1
    or 2 by accident.
    """
    closed = set()
    for fd, name, mode in _STREAMS:
        fd_ok = _fd_open(fd)
        if fd_ok and getattr(sys, name) is not None:
            continue
        closed.add(name)
        null = os.open(os.devnull, os.O_RDONLY if mode == "r" else os.O_WRONLY)
        if not fd_ok and null != fd:
            os.dup2(null, fd)
            os.close(null)
            null = fd
        stream = io.TextIOWrapper(io.FileIO(null, mode, closefd=null != fd), encoding="utf-8",
                                  errors="replace", line_buffering=mode == "w")
        setattr(sys, name, stream)
        if getattr(sys, f"__{name}__") is None:  # libraries that fall back to sys.__stderr__
            setattr(sys, f"__{name}__", stream)
    return frozenset(closed)


def require_stream(name: str) -> None:
    """Stop with one clear error when the command needs standard ``name`` and it was closed.

    Raises:
        InputError: ``name`` is ``"stdin"`` and it was closed.
        OutputError: ``name`` is ``"stdout"`` and it was closed (the output would be lost).
    """
    if name not in closed_streams:
        return
    if name == "stdin":
        raise InputError("standard input is closed: give a FILE or pipe the text in", "-")
    raise OutputError(f"standard {name[3:]}put is closed: nothing would be written "
                      "(redirect it to a file, or use -o where the command has it)")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (see toolkit.errors for their meaning)."""
    global closed_streams
    closed_streams = reopen_closed_streams()
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `bitext segment x | head` stays quiet
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="surrogateescape" if stream is sys.stdout else "replace")
    try:
        rv = app.main(args=argv, prog_name="bitext", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.NoArgsIsHelpError as e:  # `bitext`, `bitext glossary`: help is an answer
        click.echo(e.ctx.get_help())
        return 0
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
