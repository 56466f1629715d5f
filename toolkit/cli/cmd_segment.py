"""``bitext segment [FILE|-]``: one segment per line, a blank line between paragraphs."""
from __future__ import annotations

import click

from toolkit.cli.app import app


@app.command("segment")
@click.argument("file", default="-")
def segment_cmd(file: str) -> int:
    """Print the segments of FILE (or stdin for -), one per line, a blank line between paragraphs."""
    from toolkit.segment import segment_text
    from toolkit.textio import read_text

    text = read_text(file)
    last_para = None
    out = []
    for seg in segment_text(text):
        if last_para is not None and seg.para != last_para:
            out.append("")
        out.append(" ".join(seg.text.split("\n")))
        last_para = seg.para
    click.echo("\n".join(out))
    return 0
