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
    """Check FILES before export; exit 1 if any problem would make msgfmt --check fail.

    Checks what msgfmt --check rejects: header, nplurals against plural forms, c-format /
    python-format / python-brace-format directives, newline edges and duplicate entries. Each
    problem names FILE:LINE and the entry (msgctxt or msgid); a summary line ends the output.
    """
    from toolkit.formats.po import check_po, read_po

    fatal = entries = 0
    for path in files:
        doc = read_po(path)
        entries += sum(1 for u in doc.units if not u.obsolete)
        for problem in check_po(doc):
            where = f"{path}:{problem.line}" if problem.line else path
            kind = "error" if problem.fatal else "warning"
            click.echo(f"{where}: {kind}: {problem.message}")
            fatal += problem.fatal
    files_word = "file" if len(files) == 1 else "files"
    if fatal:
        click.echo(f"{len(files)} {files_word}, {entries} entries, {fatal} error(s) msgfmt --check would reject")
        return EXIT_INPUT
    click.echo(f"{len(files)} {files_word}, {entries} entries, no problems")
    return 0
