"""``bitext po check FILE.po...``: report msgfmt-fatal problems (b05 newline edges, duplicates, header)."""
from __future__ import annotations

import click

from toolkit.cli.app import app
from toolkit.errors import EXIT_INPUT


@app.group("po")
def po_group() -> None:
    """PO file utilities."""


@po_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def check_cmd(files: tuple[str, ...]) -> int:
    """Check FILES before export; exit 1 if any problem would make msgfmt --check fail."""
    from toolkit.formats.po import check_po, read_po

    fatal = 0
    for path in files:
        for problem in check_po(read_po(path)):
            where = f"{path}:{problem.line}" if problem.line else path
            kind = "error" if problem.fatal else "warning"
            click.echo(f"{where}: {kind}: {problem.message}")
            fatal += problem.fatal
    return EXIT_INPUT if fatal else 0
