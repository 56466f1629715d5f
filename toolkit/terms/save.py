"""Writing a term base: TSV (primary), CSV, or TBX-Basic (:mod:`toolkit.formats.tbx`), atomically."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from toolkit.errors import GlossaryError
from toolkit.terms.load import CSV_SUFFIXES, TBX_SUFFIXES, TSV_SUFFIXES
from toolkit.terms.model import COLUMNS, MULTI_SEP, TermEntry
from toolkit.text.files import atomic_write_bytes, atomic_write_text


def entry_row(e: TermEntry) -> list[str]:
    """The cells of one entry in :data:`~toolkit.terms.model.COLUMNS` order."""
    join = f" {MULTI_SEP} ".join
    yes = lambda b: "yes" if b else ""  # noqa: E731
    cells = {"source": e.source, "abbrev": join(e.abbrev), "variants": join(e.variants), "target": e.target,
             "admitted": join(e.admitted), "forbidden": join(e.forbidden), "type": e.type.value,
             "status": e.status, "pos": e.pos, "context": e.context, "note": e.note, "evidence": e.evidence,
             "case_sensitive": yes(e.case_sensitive), "not_after": join(e.not_after),
             "not_before": join(e.not_before), "word_check": yes(e.word_check), "replacement": e.replacement}
    return [" ".join(cells[c].split("\t")) for c in COLUMNS]


def save_entries(entries: tuple[TermEntry, ...], path: str | Path, source_lang: str = "vi",
                 target_lang: str = "en") -> None:
    """Write entries (those made from another row's ``forbidden`` cell are not rows of their own).

    Raises:
        GlossaryError: unknown extension.
    """
    suffix = Path(path).suffix.lower()
    rows = [entry_row(e) for e in entries if not e.synthetic]
    if suffix in TBX_SUFFIXES:
        from toolkit.formats.tbx import write_tbx

        atomic_write_bytes(path, write_tbx([e for e in entries if not e.synthetic], source_lang, target_lang))
    elif suffix in CSV_SUFFIXES:
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        atomic_write_text(path, buf.getvalue())
    elif suffix in TSV_SUFFIXES:
        atomic_write_text(path, "\n".join(["\t".join(COLUMNS)] + ["\t".join(r) for r in rows]) + "\n")
    else:
        raise GlossaryError(f"unknown glossary format {suffix!r}; use .tsv, .csv or .tbx", str(path))
