"""``bitext render FILE.po -o article.en.txt``: the translated article with its paragraphs."""
from __future__ import annotations

import click

from toolkit.cli.app import app, require_stream


@app.command("render")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Output file (default: stdout).")
@click.option("--approved-only", is_flag=True, help="Use source text where no approved translation exists.")
def render_cmd(file: str, out: str | None, approved_only: bool) -> int:
    """Rebuild the article from FILE: approved translations, drafts for the rest (or source text)."""
    from toolkit.workflow.render import render_po

    if out is None:
        require_stream("stdout")
    text = render_po(file, out, approved_only=approved_only)
    if out is None:
        click.get_text_stream("stdout").write(text)
    return 0
