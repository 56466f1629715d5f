"""Translation memory (SQLite): approved pairs from reviewed PO files, and a cache of machine drafts.

Two tables, one file (default ``OUTDIR/.bitext-tm.sqlite``):

* ``approved(source_key, source, target, origin)`` — pairs a reviewer approved (non-fuzzy PO
  entries), learnt on every run from the PO files it merges. The same sentence in another article
  is pre-filled from here instead of re-translated (exact match on the normalised source).
* ``drafts(key, draft_json)`` — finished drafts keyed by normalised source + model id + glossary
  checksum + decoding settings, so re-running an unchanged article loads no model at all.

The key normalisation is NFC plus whitespace collapsing; case and tone placement are kept, since
they may be the author's intent.

Failing cleanly (issue 12.10): the file carries ``PRAGMA application_id`` (:data:`APPLICATION_ID`)
and ``PRAGMA user_version`` (:data:`SCHEMA_VERSION`). A SQLite file of another tool (tables but
not our id) or of a newer bitext is refused before anything is written to it. A lock held by
another run is waited for up to :data:`LOCK_WAIT_S` seconds (a message says so after
:data:`LOCK_NOTICE_S`), then reported as a lock. A TM that cannot be written (read-only file or
folder) is opened read-only with a warning and learns nothing this run; ``readonly=True`` asks
for that. Corruption, a full disk and permission errors are :class:`OutputError` /
:class:`InputError` lines naming the file and the fix.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import sys
import time
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from toolkit.errors import InputError, OutputError
from toolkit.types import Draft, TermCheck, TermMatch, TermStatus

log = logging.getLogger("toolkit.workflow.tm")

#: ``PRAGMA application_id`` of a bitext TM: the ASCII bytes "btxt" as a big-endian int32.
APPLICATION_ID = 0x62747874
#: ``PRAGMA user_version``: 1 = the two tables below. A file with a higher version is refused.
SCHEMA_VERSION = 1
#: Seconds to wait for another process's lock before reporting it; a notice after LOCK_NOTICE_S.
LOCK_WAIT_S = 10.0
LOCK_NOTICE_S = 2.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS approved (
    source_key TEXT PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL, origin TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS drafts (key TEXT PRIMARY KEY, draft_json TEXT NOT NULL);
"""


def source_key(text: str) -> str:
    """Normalised lookup form of a source sentence: NFC, runs of whitespace collapsed, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def draft_key(text: str, context: str) -> str:
    """Cache key of a machine draft: SHA-256 of the source key and the run context (model, glossary, settings)."""
    return hashlib.sha256(f"{context}\x00{source_key(text)}".encode()).hexdigest()


def _draft_to_json(d: Draft) -> str:
    # Term checks are stored by span; their glossary entries are re-attached on lookup (the
    # glossary checksum is part of the key, so the same entries match again).
    checks = [[c.match.start, c.match.end, c.status.value, c.method] for c in d.checks]
    return json.dumps({"text": d.text, "flags": d.flags, "notes": d.notes, "checks": checks}, ensure_ascii=False)


def _draft_from_json(data: str, matches: Sequence[TermMatch]) -> Draft:
    d = json.loads(data)
    by_span = {(m.start, m.end): m for m in matches}
    checks = tuple(TermCheck(by_span[(a, b)], TermStatus(status), method)
                   for a, b, status, method in d.get("checks", []) if (a, b) in by_span)
    return Draft(d["text"], tuple(d["flags"]), tuple(d["notes"]), checks, "mt")


class TMLockedError(OutputError):
    """Another process holds the translation memory's lock longer than we wait."""


class TranslationMemory:
    """A SQLite translation memory; use as a context manager or call :meth:`close`.

    Args:
        path: database file (created if missing; its folder must exist).
        readonly: never write (``--tm-readonly``); lookups still work.
        lock_wait: seconds to wait for a lock held by another process (default :data:`LOCK_WAIT_S`).
        notify: called with a one-line message (lock waits, read-only fallback); default: stderr.

    Attributes:
        readonly: whether this TM is used read-only (asked for, or the file/folder is not writable).
        warnings: messages given through ``notify``.

    Raises:
        InputError: the file is not SQLite, is corrupt, belongs to another tool, or was made by a
            newer bitext (the file is left unmodified); the message names it and the fix.
        TMLockedError: still locked after ``lock_wait`` seconds.
        OutputError: a full disk or a permission error while creating or writing it.
    """

    def __init__(self, path: str | Path, readonly: bool = False, lock_wait: float = LOCK_WAIT_S,
                 notify: Callable[[str], None] | None = None):
        self.path = Path(path)
        self.lock_wait = lock_wait
        self.notify = notify or (lambda msg: print(f"bitext: warning: {msg}", file=sys.stderr))
        self.warnings: list[str] = []
        self.readonly = readonly
        if not readonly and not self._writable():
            self.readonly = True
            self._warn("translation memory is not writable (read-only file or folder); used read-only, "
                       "this run's approvals and drafts are not stored")
        if self.readonly and not self.path.exists():
            self.db = sqlite3.connect(":memory:")  # nothing to read; an empty TM answers every lookup
            self.db.executescript(SCHEMA)
            return
        try:
            if self.readonly:
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=0)
            else:
                self.db = sqlite3.connect(str(self.path), timeout=0)
        except sqlite3.Error as e:
            raise self._error(e) from None
        try:
            self._retry(self._check_and_init)
        except BaseException:
            self.db.close()
            raise

    # -- opening -------------------------------------------------------------------------------
    def _writable(self) -> bool:
        if self.path.exists():
            return os.access(self.path, os.W_OK) and os.access(self.path.parent or ".", os.W_OK)
        return os.access(self.path.parent or ".", os.W_OK)

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        self.notify(f"{self.path}: {message}")

    def _check_and_init(self) -> None:
        app_id = self.db.execute("PRAGMA application_id").fetchone()[0]
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables - {"approved", "drafts"}):
            raise InputError("is an SQLite file of another program, not a bitext translation memory; "
                             "it was not modified: pass another --tm, or --no-tm", self.path)
        if app_id == 0 and tables and version == 0 and tables != {"approved", "drafts"}:
            raise InputError("is not a bitext translation memory (unexpected tables); it was not modified: "
                             "pass another --tm", self.path)
        if version > SCHEMA_VERSION:
            raise InputError(f"translation memory schema {version} is newer than this bitext's "
                             f"({SCHEMA_VERSION}); upgrade bitext or pass another --tm; it was not modified",
                             self.path)
        if self.readonly:
            return
        if app_id == APPLICATION_ID and version == SCHEMA_VERSION:
            return
        with self.db:  # new file, or a file of bitext before schema versions (same two tables)
            self.db.executescript("BEGIN IMMEDIATE;" + SCHEMA +
                                  f"PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
                                  "COMMIT;")

    def _retry(self, action):
        """Run ``action`` and map SQLite errors; wait for a lock up to ``lock_wait`` seconds."""
        start = time.monotonic()
        noticed = False
        delay = 0.05
        while True:
            try:
                return action()
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise self._error(e) from None
                with _suppress():
                    self.db.rollback()
                waited = time.monotonic() - start
                if waited >= self.lock_wait:
                    raise TMLockedError(f"translation memory is locked by another process (waited {waited:.0f} s); "
                                        "let the other bitext run finish and re-run, or pass --no-tm", self.path) from None
                if not noticed and waited >= min(LOCK_NOTICE_S, self.lock_wait / 2):
                    self._warn(f"translation memory is locked by another process; waiting up to "
                               f"{self.lock_wait:.0f} s")
                    noticed = True
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
            except sqlite3.Error as e:
                raise self._error(e) from None

    def _error(self, e: sqlite3.Error):
        text = str(e)
        code = getattr(e, "sqlite_errorname", "") or ""
        if "full" in text or code == "SQLITE_FULL":
            return OutputError("cannot write the translation memory: the disk is full; free space, or pass "
                               "--no-tm", self.path)
        if "readonly" in text or "read-only" in text or code.startswith("SQLITE_READONLY"):
            return OutputError("cannot write the translation memory (read-only); fix its permissions or pass "
                               "--no-tm", self.path)
        if "unable to open" in text or code.startswith("SQLITE_CANTOPEN") or "permission" in text.lower():
            return InputError("cannot open the translation memory (permissions or a missing folder); fix it or "
                              "pass another --tm", self.path)
        if "not a database" in text or "malformed" in text or code in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
            return InputError(f"is not a usable translation memory ({text}); it is corrupt or not SQLite: "
                              "move it away (a new one is made) or pass another --tm", self.path)
        return InputError(f"translation memory error: {text}; pass another --tm or --no-tm", self.path)

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _write(self, sql: str, rows: list) -> None:
        if self.readonly or not rows:
            return

        def action():
            with self.db:
                self.db.executemany(sql, rows)

        self._retry(action)

    def _read_one(self, sql: str, args: tuple):
        return self._retry(lambda: self.db.execute(sql, args).fetchone())

    # -- approved pairs -------------------------------------------------------------------------
    def add_approved(self, pairs: Iterable[tuple[str, str]], origin: str) -> int:
        """Remember approved (source, target) pairs; a later approval of the same source wins.

        Returns:
            number of pairs stored (0 when read-only).
        """
        rows = [(source_key(s), s, t, origin) for s, t in pairs if s.strip() and t.strip()]
        self._write("INSERT OR REPLACE INTO approved VALUES (?, ?, ?, ?)", rows)
        return 0 if self.readonly else len(rows)

    def lookup_approved(self, sources: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Exact matches: source → (approved target, origin) for each source found."""
        out: dict[str, tuple[str, str]] = {}
        for s in dict.fromkeys(sources):
            row = self._read_one("SELECT target, origin FROM approved WHERE source_key = ?", (source_key(s),))
            if row:
                out[s] = (row[0], row[1])
        return out

    # -- machine drafts -------------------------------------------------------------------------
    def lookup_drafts(self, sources: Sequence[str], context: str,
                      match: Callable[[str], Sequence[TermMatch]] | None = None) -> dict[str, Draft]:
        """Cached drafts for ``sources`` made under ``context`` (model, glossary checksum, settings).

        Args:
            match: the glossary matcher, to re-attach term checks to the cached draft.
        """
        out: dict[str, Draft] = {}
        for s in dict.fromkeys(sources):
            row = self._read_one("SELECT draft_json FROM drafts WHERE key = ?", (draft_key(s, context),))
            if row:
                out[s] = _draft_from_json(row[0], match(s) if match else ())
        return out

    def add_drafts(self, drafts: Mapping[str, Draft], context: str) -> None:
        """Store machine drafts (source → Draft) under ``context`` (nothing when read-only)."""
        self._write("INSERT OR REPLACE INTO drafts VALUES (?, ?)",
                    [(draft_key(s, context), _draft_to_json(d)) for s, d in drafts.items()])


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], sqlite3.Error)
