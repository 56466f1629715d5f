"""Merge a fresh run over a reviewed PO without losing a human edit (msgmerge semantics).

The PO file is where reviewers work, so a re-run must never overwrite what they did. The rules,
modelled on GNU ``msgmerge`` (exact match, then fuzzy match with ``#| msgid``, then obsolete):

1. **Exact match, by occurrence.** A fresh unit takes the next unused existing unit with the same
   msgid, in file order, so a sentence repeated in the article (shared/cases/b04) maps its first
   occurrence to the first old entry, the second to the second. Obsolete old entries are used
   after live ones (a sentence that comes back gets its old translation back).
2. **Approved** (``Status.TRANSLATED``, non-empty msgstr): msgstr, status, translator comments and
   flags are kept byte for byte. The machine-owned fields — msgctxt (the segment id), ``#:``
   references and ``#.`` extracted comments (``position: pN sM``) — come from the fresh unit, so
   ids stay in article order and ``bitext render`` finds the right paragraph. When the article did
   not change, these are identical too, so the whole entry is unchanged.
3. **Fuzzy or untranslated old entry, same msgid:** we cannot tell a machine draft from a human
   edit that was not yet approved, so the safe rule is: an empty old msgstr, or one equal to the
   fresh draft, takes the fresh unit; otherwise the old msgstr is kept, fuzzy, with the old
   translator comments. A human edit is never lost; the price is that a changed MT model does
   not refresh old unreviewed drafts (empty the msgstr to get a fresh one). No comment is added
   here, so re-running on an unchanged article leaves the file unchanged.
4. **Changed sentence (fuzzy match):** an unmatched fresh unit takes the unused old entry with a
   non-empty msgstr whose msgid is most similar (``difflib`` ratio ≥ :data:`FUZZY_THRESHOLD`,
   ties broken by nearest position), like msgmerge's fuzzy matching. Result: old msgstr, FUZZY,
   ``previous_msgid`` = old msgid, old translator comments, fresh machine fields; the fresh draft
   is added as a ``new machine draft: …`` comment.
5. **New segments** stay as the fresh drafts.
6. **Gone segments:** unused old entries with a non-empty msgstr become obsolete (``#~``) and are
   appended after the live entries, in their old order; untranslated ones are dropped (nothing to
   keep — msgmerge does the same). Duplicate obsolete (msgctxt, msgid) pairs keep the first.
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import replace
from typing import Sequence

from toolkit.types import Status, Unit

#: Minimum ``difflib.SequenceMatcher.ratio()`` for a changed sentence to inherit an old
#: translation as fuzzy (msgmerge uses a similar 0.6 cut-off in its fuzzy search).
FUZZY_THRESHOLD = 0.6
#: Prefix of the extracted comment carrying the fresh draft next to a kept old msgstr.
NEW_DRAFT_COMMENT = "new machine draft: "


def is_approved(unit: Unit) -> bool:
    """A reviewer-approved entry: not fuzzy, non-empty msgstr (obsolete or not)."""
    return unit.status is Status.TRANSLATED and unit.msgstr != ""


def approved_sources(existing: Sequence[Unit]) -> dict[str, Unit]:
    """Map each approved msgid to its approved unit, live entries before obsolete ones.

    The pipeline uses this to skip MT for sentences a reviewer already approved (the first
    approved occurrence in file order wins).
    """
    out: dict[str, Unit] = {}
    for unit in sorted(existing, key=lambda u: u.obsolete):  # stable: file order within each group
        if is_approved(unit) and unit.msgid not in out:
            out[unit.msgid] = unit
    return out


def _with_machine_fields(old: Unit, fresh: Unit, **changes) -> Unit:
    fields = {"msgctxt": fresh.msgctxt, "references": fresh.references, "comments": fresh.comments,
              "obsolete": False}
    fields.update(changes)
    return replace(old, **fields)


def _draft_note(fresh: Unit) -> tuple[str, ...]:
    if not fresh.msgstr:
        return ()
    return (NEW_DRAFT_COMMENT + fresh.msgstr.replace("\n", "\\n"),)


def merge_units(existing: Sequence[Unit], fresh: Sequence[Unit]) -> list[Unit]:
    """Merge fresh drafts of the new article into the units of an existing (reviewed) PO.

    Args:
        existing: units read from the old PO (:func:`toolkit.formats.po.read_po`), obsolete ones
            included, in file order.
        fresh: one unit per segment of the new article, in article order (drafts, usually fuzzy).

    Returns:
        the live units in fresh order, then the obsolete units. See the module docstring for the
        rules; an approved translation is never changed and a human edit is never dropped.
    """
    pool = [u for u in existing if not u.obsolete] + [u for u in existing if u.obsolete]
    used = [False] * len(pool)
    by_msgid: dict[str, list[int]] = defaultdict(list)
    for i, unit in enumerate(pool):
        by_msgid[unit.msgid].append(i)

    result: list[Unit | None] = [None] * len(fresh)
    unmatched: list[int] = []
    for j, new in enumerate(fresh):  # 1. exact matches, by occurrence
        idx = next((i for i in by_msgid.get(new.msgid, ()) if not used[i]), None)
        if idx is None:
            unmatched.append(j)
            continue
        used[idx] = True
        old = pool[idx]
        if is_approved(old):
            result[j] = _with_machine_fields(old, new, previous_msgid=None)
        elif not old.msgstr or old.msgstr == new.msgstr:
            result[j] = replace(new, translator_comments=old.translator_comments or new.translator_comments)
        else:  # an unapproved edit we cannot tell from a machine draft: keep it, fuzzy
            result[j] = _with_machine_fields(old, new, status=Status.FUZZY, previous_msgid=old.previous_msgid)

    live_positions = {id(u): k for k, u in enumerate(existing)}
    for j in unmatched:  # 4. changed sentences: fuzzy match
        new = fresh[j]
        best: tuple[float, int, int] | None = None  # (ratio, -distance, index)
        for i, old in enumerate(pool):
            if used[i] or not old.msgstr:
                continue
            matcher = difflib.SequenceMatcher(None, old.msgid, new.msgid, autojunk=False)
            if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
                continue
            ratio = matcher.ratio()
            if ratio < FUZZY_THRESHOLD:
                continue
            distance = abs(live_positions.get(id(old), len(existing)) - j)
            key = (ratio, -distance, -i)
            if best is None or key > best:
                best = key
        if best is None:
            result[j] = new  # 5. a new segment
            continue
        idx = -best[2]
        used[idx] = True
        old = pool[idx]
        result[j] = _with_machine_fields(old, new, status=Status.FUZZY, previous_msgid=old.msgid,
                                         msgid=new.msgid, comments=new.comments + _draft_note(new))

    merged = [u for u in result if u is not None]
    seen = {(u.msgctxt, u.msgid) for u in merged}
    for i, old in enumerate(pool):  # 6. gone segments become obsolete
        if used[i] or not old.msgstr or (old.msgctxt, old.msgid) in seen:
            continue
        seen.add((old.msgctxt, old.msgid))
        merged.append(replace(old, obsolete=True, previous_msgid=None))
    return merged
