"""The run report of ``bitext translate``: typed values, printed by the CLI and written as JSON.

:func:`toolkit.workflow.pipeline.translate_files` returns a :class:`RunReport`; the CLI prints
from it and ``OUTDIR/bitext-report.json`` is :meth:`RunReport.to_json` of the same value, so the
two cannot disagree. A :class:`RunReport` iterates over its :class:`FileResult` s (``(r,) =
translate_files([a], out)`` unpacks a one-file run).
"""
from __future__ import annotations

import enum
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Protocol

from toolkit.terms.usage import TermUsage
from toolkit.types import Flag


class FileStatus(str, enum.Enum):
    """What happened to one input."""

    WRITTEN = "written"          # PO and TSV written (new, or merged over the existing PO)
    UP_TO_DATE = "up-to-date"    # outputs already current: left untouched


@dataclass
class FileResult:
    """One input's outcome.

    Attributes:
        source: the article; po, tsv: its outputs.
        status: see :class:`FileStatus`.
        segments: live entries (= segments of the article).
        translated: segments drafted by the engine in this run (after de-duplication, once per
            distinct sentence of the article).
        reused: segments not drafted in this run (approved, TM, draft cache, copied).
        flags: the review flags of each entry still waiting for review (``Flag(kind, detail)``).
        terms: term usage of the file's live entries (:class:`TermUsage`); ``None`` for a file
            recognised as up to date from its header, which is not re-read.
        seconds: wall time from the article's start to its outputs being written.
    """

    source: Path
    po: Path
    tsv: Path
    status: FileStatus = FileStatus.WRITTEN
    segments: int = 0
    translated: int = 0
    reused: int = 0
    flags: tuple[tuple[Flag, ...], ...] = ()
    terms: TermUsage | None = None
    seconds: float = 0.0

    @property
    def flagged(self) -> int:
        """Entries still waiting for review because of a machine-check problem."""
        return len(self.flags)

    def to_json(self) -> dict:
        return {"source": str(self.source), "po": str(self.po), "tsv": str(self.tsv), "status": self.status.value,
                "segments": self.segments, "translated": self.translated, "reused": self.reused,
                "flagged": self.flagged, "flags_by_kind": flag_counts(self.flags),
                "flags": [{"kind": f.kind, "detail": f.detail} for entry in self.flags for f in entry],
                "terms": self.terms.to_dict() if self.terms is not None else None,
                "seconds": round(self.seconds, 3)}


@dataclass
class Timings:
    """Seconds spent, for the report: ``total`` run, ``model_load`` (0 when no model was needed),
    ``drafting`` (engine calls with glossary enforcement, model load excluded)."""

    total: float = 0.0
    model_load: float = 0.0
    drafting: float = 0.0


@dataclass
class RunReport:
    """A whole run.

    Attributes:
        files: one :class:`FileResult` per input, in input order.
        model: model id or folder.
        settings: :meth:`toolkit.mt.settings.EngineSettings.key` of the loaded engine, or the
            planned one when no model was needed.
        engine_loaded: whether a model was loaded in this run.
        glossary, glossary_checksum: the term base used (None without one).
        timings: see :class:`Timings`.
        drafted: distinct sentences drafted by the engine in this run, across the whole corpus.
    """

    files: list[FileResult] = field(default_factory=list)
    model: str = ""
    settings: str = ""
    engine_loaded: bool = False
    glossary: str | None = None
    glossary_checksum: str | None = None
    timings: Timings = field(default_factory=Timings)
    drafted: int = 0

    def __iter__(self) -> Iterator[FileResult]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int) -> FileResult:
        return self.files[i]

    @property
    def flagged(self) -> int:
        return sum(r.flagged for r in self.files)

    @property
    def terms(self) -> TermUsage:
        """Term usage over the files that were counted (see :attr:`not_recounted`)."""
        total = TermUsage()
        for r in self.files:
            if r.terms is not None:
                total = total + r.terms
        return total

    @property
    def not_recounted(self) -> int:
        """Files recognised as up to date from their header, whose term usage was not re-read."""
        return sum(1 for r in self.files if r.terms is None)

    def totals(self) -> dict:
        return {"files": len(self.files), "written": sum(r.status is FileStatus.WRITTEN for r in self.files),
                "up_to_date": sum(r.status is FileStatus.UP_TO_DATE for r in self.files),
                "segments": sum(r.segments for r in self.files), "translated": sum(r.translated for r in self.files),
                "reused": sum(r.reused for r in self.files), "flagged": self.flagged, "drafted": self.drafted}

    def to_json(self) -> dict:
        from toolkit import __version__

        return {"toolkit_version": __version__, "model": self.model, "settings": self.settings,
                "engine_loaded": self.engine_loaded, "glossary": self.glossary,
                "glossary_checksum": self.glossary_checksum, "totals": self.totals(),
                "flags_by_kind": flag_counts(f for r in self.files for f in r.flags),
                "terms": {**self.terms.to_dict(), "files_not_recounted": self.not_recounted},
                "timings": {k: round(v, 3) for k, v in vars(self.timings).items()},
                "files": [r.to_json() for r in self.files]}

    def write(self, path: Path) -> None:
        """Write :meth:`to_json` atomically."""
        from toolkit.text.files import atomic_write_text

        atomic_write_text(path, json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n")

    def summary_line(self) -> str:
        """The console summary: term usage (with how many files were not recounted) and flags."""
        line = self.terms.summary_line()
        if self.not_recounted:
            line += f" (not recounted: {self.not_recounted} up-to-date file{'s' if self.not_recounted != 1 else ''})"
        return line + f"; {self.flagged} entries flagged for review"


def flag_counts(flags) -> dict[str, int]:
    """``{kind: entries}`` for the report: how many flagged entries carry each kind of flag."""
    counts: Counter = Counter()
    for entry_flags in flags:
        counts.update({f.kind for f in entry_flags})
    return dict(sorted(counts.items()))


class Progress(Protocol):
    """What a run tells its progress display (every method optional in effect: see :class:`NoProgress`)."""

    def planned(self, articles: int) -> None: ...            # inputs to go through
    def segmented(self, segments: int) -> None: ...          # an article's segments were found
    def advanced(self, segments: int) -> None: ...           # segments finished (drafted or reused)
    def article_done(self, result: FileResult) -> None: ...  # outputs written or found current
    def status(self, text: str) -> None: ...                 # "loading model…", "drafting…"


class NoProgress:
    """The silent :class:`Progress`."""

    def planned(self, articles: int) -> None: pass
    def segmented(self, segments: int) -> None: pass
    def advanced(self, segments: int) -> None: pass
    def article_done(self, result: FileResult) -> None: pass
    def status(self, text: str) -> None: pass
