"""Where a run writes, and what it refuses to overwrite (README "Writing").

Per article: ``OUTDIR/<stem>.po`` (merged, never replaced) and ``OUTDIR/<stem>.tsv``; per run:
``OUTDIR/bitext-report.json`` and the translation memory ``OUTDIR/.bitext-tm.sqlite``. A TSV or
report that bitext did not write needs ``--force``; an output that is also an input (article,
glossary, TM) is always refused; names come from the input's file name only, so nothing can be
written outside OUTDIR. Nothing here creates a file or folder: the output folder is made only when
there is something to write (:func:`ensure_out_dir`), so a run that fails early (a missing model)
leaves no trace.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from toolkit.errors import OutputError, UsageError
from toolkit.text.files import refuse_foreign_file, refuse_input_as_output

REPORT_NAME = "bitext-report.json"
TM_NAME = ".bitext-tm.sqlite"
TSV_HEADER = "id\tsource\ttarget\tstatus\tnotes"


@dataclass(frozen=True)
class OutputPlan:
    """One article and its outputs; ``index`` is its position in the run's inputs."""

    index: int
    source: Path
    po: Path
    tsv: Path

    @property
    def stem(self) -> str:
        return output_stem(self.source)


def output_stem(path: Path) -> str:
    """Output base name for an input file: its name without the last suffix.

    Only the final path component is used, so an output can never escape the output folder.

    Raises:
        UsageError: the name is empty or a dot name.
    """
    stem = Path(path.name).stem if path.suffix else path.name
    if stem in ("", ".", "..") or "/" in stem or "\\" in stem:
        raise UsageError(f"cannot derive an output name from {str(path)!r}")
    return stem


def is_our_tsv(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as f:
        return f.readline().rstrip("\n") == TSV_HEADER


def is_our_report(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as f:
        return '"toolkit_version"' in f.read(200)


def plan_outputs(inputs: Sequence[Path], out_dir: Path, *, update: Path | None = None, force: bool = False,
                 readonly: Sequence[Path] = ()) -> list[OutputPlan]:
    """Plan (article, PO, TSV) per input and refuse outputs that would destroy something.

    Args:
        inputs: the articles, in run order.
        out_dir: the output folder (need not exist).
        update: an existing PO to merge into instead of ``OUTDIR/<stem>.po`` (one input only).
        force: replace a TSV or report that bitext did not write.
        readonly: other inputs of the run (glossary, TM) that must never be written.

    Raises:
        UsageError: two inputs with the same name, ``update`` with several inputs, an unusable name.
        WouldOverwriteError: an output is an input, or a foreign file without ``force``.
    """
    if update is not None and len(inputs) != 1:
        raise UsageError("--update takes exactly one input article")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"output {out_dir} exists and is not a folder")
    plans, seen = [], {}
    protected = [*inputs, *readonly]
    for i, src in enumerate(inputs):
        stem = output_stem(src)
        if stem in seen:
            raise UsageError(f"{src} and {seen[stem]} would both write {stem}.po; rename one or use separate -o folders")
        seen[stem] = src
        po = update if update is not None else out_dir / f"{stem}.po"
        tsv = out_dir / f"{stem}.tsv"
        refuse_input_as_output(po, protected)
        refuse_input_as_output(tsv, protected)
        refuse_foreign_file(tsv, force, is_our_tsv)
        plans.append(OutputPlan(i, src, po, tsv))
    refuse_input_as_output(out_dir / REPORT_NAME, protected)
    refuse_foreign_file(out_dir / REPORT_NAME, force, is_our_report)
    return plans


def ensure_out_dir(out_dir: Path) -> None:
    """Create the output folder (and parents) when the first output is written.

    Raises:
        OutputError: it cannot be created.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create the output folder: {e.strerror}", out_dir) from None
