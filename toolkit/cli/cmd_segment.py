"""``bitext segment [FILE|-]``: one segment per line, a blank line between paragraphs."""
from __future__ import annotations

import re

import click

from toolkit.cli.app import app, require_stream

# Line breaks inside a segment (a hard-wrapped sentence) are printed as spaces so that each segment
# stays on one output line; the characters are those str.splitlines() breaks on.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


@app.command("segment")
@click.argument("file", default="-")
def segment_cmd(file: str) -> int:
    """Print the segments of FILE (or stdin for -), one per line, a blank line between paragraphs.

    The input is read as UTF-8 (BOM optional), UTF-16 with BOM or Windows-1258, normalised to NFC,
    and streamed paragraph by paragraph, so large files use little memory.
    """
    from toolkit.segment.segmenter import iter_segments_from_file

    require_stream("stdout")
    if file == "-":
        require_stream("stdin")
    out = click.get_text_stream("stdout")
    last_para = None
    for seg in iter_segments_from_file(file):
        if last_para is not None and seg.para != last_para:
            out.write("\n")
        out.write(_LINE_BREAKS.sub(" ", seg.text) + "\n")
        last_para = seg.para
    out.flush()
    return 0
