"""``bitext render FILE.po -o article.en.txt``: the translated article with its paragraphs."""
from __future__ import annotations

import click

from toolkit.cli.app import app, require_stream


@app.command("render")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, allow_dash=True),
              help="Output file, or '-' for stdout (the default).")
@click.option("--approved-only", is_flag=True, help="Use source text where no approved translation exists.")
def render_cmd(file: str, out: str | None, approved_only: bool) -> int:
    """Rebuild the article from FILE: approved translations, drafts for the rest (or source text).

    Without --approved-only, the number of fuzzy drafts and stale translations rendered is
    printed on stderr.
    """
    from toolkit.workflow.render import render_po

    counts: dict[str, int] = {}
    to_stdout = out in (None, "-")
    if to_stdout:
        require_stream("stdout")
    text = render_po(file, None if to_stdout else out, approved_only=approved_only, counts=counts)
    if to_stdout:
        click.echo(text, nl=False, color=True)   # color=True: the text as it is, escapes not stripped
    if counts.get("fuzzy") or counts.get("stale"):
        click.echo(f"bitext: warning: rendered {counts['fuzzy']} unreviewed draft(s) and {counts['stale']} stale "
                   f"translation(s) (source changed since) of {sum(counts.values())} segments; "
                   "--approved-only uses the source text instead", err=True)
    return 0
