"""The run's view of the translation memory: nothing is created until there is something to keep.

* Reads find nothing while the TM file does not exist (a first run), so a run that fails before
  it drafts anything — a missing model — leaves neither ``OUTDIR/`` nor a TM behind.
* The first write creates the output folder and the file.
* ``--no-tm`` reads and writes no user TM; the run's own drafts still go to a private scratch
  file (deleted at :meth:`RunMemory.close`), so a sentence repeated across a corpus is drafted once.
* :meth:`RunMemory.snapshot` copies the drafts for Ray workers, which read it while the driver
  alone writes the live file (see README, "Ray").
"""
from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from toolkit.types import Draft, TermMatch


class RunMemory:
    """Translation memory access for one run.

    Args:
        path: the TM file, or None for ``--no-tm`` (a private scratch file holds this run's drafts).
        on_create: called once before the file is first created (makes the output folder).

    Raises:
        InputError: (on first use) the file exists but is not a usable TM.
    """

    def __init__(self, path: Path | None, on_create: Callable[[], None] = lambda: None):
        self.path = path
        self.on_create = on_create
        self._tm = None
        self._scratch: Path | None = None
        self.learned = False   # approvals were added during this run

    @property
    def enabled(self) -> bool:
        """A user TM is read and written (not ``--no-tm``)."""
        return self.path is not None

    def _open(self, create: bool):
        if self._tm is None:
            from toolkit.workflow.tm import TranslationMemory

            if self.path is None:
                if not create:
                    return None
                self._scratch = Path(tempfile.mkdtemp(prefix="bitext-run-")) / "drafts.sqlite"
                self._tm = TranslationMemory(self._scratch)
            elif self.path.exists() or create:
                if not self.path.exists():
                    self.on_create()
                self._tm = TranslationMemory(self.path)
        return self._tm

    def lookup_approved(self, sources: Sequence[str]) -> dict[str, tuple[str, str]]:
        tm = self._open(False) if self.enabled else None
        return tm.lookup_approved(sources) if tm is not None and sources else {}

    def lookup_drafts(self, sources: Sequence[str], context: str,
                      match: Callable[[str], Sequence[TermMatch]] | None = None) -> dict[str, Draft]:
        tm = self._open(False)
        return tm.lookup_drafts(sources, context, match) if tm is not None and sources else {}

    def add_approved(self, pairs: Iterable[tuple[str, str]], origin: str) -> None:
        if not self.enabled:
            return
        pairs = list(pairs)
        if pairs:
            self._open(True).add_approved(pairs, origin)
            self.learned = True

    def add_drafts(self, drafts: Mapping[str, Draft], context: str) -> None:
        if drafts:
            self._open(True).add_drafts(drafts, context)

    def snapshot(self, dest: Path) -> Path | None:
        """A read-only copy of the TM as it is now (SQLite backup API: consistent while others write).

        Returns:
            ``dest``, or None when there is no TM yet.
        """
        tm = self._open(False)
        if tm is None:
            return None
        with sqlite3.connect(str(dest)) as out:
            tm.db.backup(out)
        return dest

    def close(self) -> None:
        if self._tm is not None:
            self._tm.close()
            self._tm = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch.parent, ignore_errors=True)
            self._scratch = None
