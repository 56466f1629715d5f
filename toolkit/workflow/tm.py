"""Translation memory (SQLite): approved pairs from reviewed PO files, and a cache of machine drafts.

Two tables, one file (default ``OUTDIR/.bitext-tm.sqlite``):

* ``approved(source_key, source, target, origin)`` — pairs a reviewer approved (non-fuzzy PO
  entries), learnt on every run from the PO files it merges. The same sentence in another article
  is pre-filled from here instead of re-translated (exact match on the normalised source).
* ``drafts(key, draft_json)`` — finished drafts keyed by normalised source + model id + glossary
  checksum + decoding settings, so re-running an unchanged article loads no model at all.

The key normalisation is NFC plus whitespace collapsing; case and tone placement are kept, since
they may be the author's intent.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from toolkit.errors import InputError
from toolkit.types import Draft, TermCheck, TermMatch, TermStatus

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


class TranslationMemory:
    """A SQLite translation memory; use as a context manager or call :meth:`close`.

    Args:
        path: database file (created if missing; its folder must exist).

    Raises:
        InputError: the file exists but is not a usable SQLite database.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(str(self.path))
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise InputError(f"not a usable translation memory ({e}); move it away or pass another --tm", self.path) from None

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- approved pairs -------------------------------------------------------------------------
    def add_approved(self, pairs: Iterable[tuple[str, str]], origin: str) -> int:
        """Remember approved (source, target) pairs; a later approval of the same source wins.

        Returns:
            number of pairs stored.
        """
        rows = [(source_key(s), s, t, origin) for s, t in pairs if s.strip() and t.strip()]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO approved VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    def lookup_approved(self, sources: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Exact matches: source → (approved target, origin) for each source found."""
        out: dict[str, tuple[str, str]] = {}
        for s in dict.fromkeys(sources):
            row = self.db.execute("SELECT target, origin FROM approved WHERE source_key = ?", (source_key(s),)).fetchone()
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
            row = self.db.execute("SELECT draft_json FROM drafts WHERE key = ?", (draft_key(s, context),)).fetchone()
            if row:
                out[s] = _draft_from_json(row[0], match(s) if match else ())
        return out

    def add_drafts(self, drafts: Mapping[str, Draft], context: str) -> None:
        """Store machine drafts (source → Draft) under ``context``."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO drafts VALUES (?, ?)",
                                [(draft_key(s, context), _draft_to_json(d)) for s, d in drafts.items()])
