"""Command-line interface: ``bitext`` (also ``python -m toolkit``). See :mod:`toolkit.cli.app`."""
from toolkit.cli.app import app, main

# Each import registers one command (or command group) on `app`.
from toolkit.cli import cmd_segment  # noqa: E402,F401
from toolkit.cli import cmd_translate  # noqa: E402,F401
from toolkit.cli import cmd_export  # noqa: E402,F401
from toolkit.cli import cmd_render  # noqa: E402,F401
from toolkit.cli import cmd_score  # noqa: E402,F401
from toolkit.cli import cmd_po  # noqa: E402,F401
from toolkit.cli import cmd_glossary  # noqa: E402,F401
from toolkit.cli import cmd_model  # noqa: E402,F401

__all__ = ["app", "main"]
