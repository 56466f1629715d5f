"""Merge a fresh run over a reviewed PO without losing a human edit (msgmerge semantics).

The PO file is where reviewers work, so a re-run must never overwrite what they did. The rules,
modelled on GNU ``msgmerge`` (exact match, then fuzzy match with ``#| msgid``, then obsolete):

1. **Exact match, by occurrence.** A fresh unit takes the next unused existing unit with the same
   msgid, in file order, so a sentence repeated in the article (shared/cases/b04) maps its first
   occurrence to the first old entry, the second to the second. Obsolete old entries are used
   after live ones (a sentence that comes back gets its old translation back).
2. **Approved** (:attr:`Unit.is_approved`): msgstr (every plural form), status, translator comments
   and flags are kept byte for byte, except ``needs review:`` lines, which described the machine
   draft the reviewer has since approved (issue 12.14). The machine-owned fields — msgctxt (the segment id), ``#:``
   references and ``#.`` extracted comments (``position: pN sM``) — come from the fresh unit, so
   ids stay in article order and ``bitext render`` finds the right paragraph. When the article did
   not change, these are identical too, so the whole entry is unchanged.
3. **Fuzzy or untranslated old entry, same msgid:** we cannot tell a machine draft from a human
   edit that was not yet approved, so the safe rule is: an empty old msgstr, or one equal to the
   fresh draft, takes the fresh unit (keeping the old entry's reviewer comments and flags such as
   ``c-format``; its ``needs review:`` lines are the fresh draft's); otherwise the old msgstr is
   kept, fuzzy, with the old translator comments, previous strings and ``new machine draft``
   note (refreshed to the current draft), so the merge is a fixed point (issue 12.15). A human
   edit is never lost; the price is that a changed MT model does not refresh old unreviewed
   drafts (empty the msgstr to get a fresh one).
4. **Changed sentence (fuzzy match):** an unmatched fresh unit takes the unused old entry with a
   non-empty msgstr whose msgid is most similar (``difflib`` ratio ≥ :data:`FUZZY_THRESHOLD`,
   ties broken by nearest position), like msgmerge's fuzzy matching. Result: old msgstr, FUZZY,
   ``previous_msgid``/``previous_msgctxt`` = old msgid/msgctxt, old translator comments, fresh
   machine fields; the fresh draft is added as a ``new machine draft: …`` comment.
5. **New segments** stay as the fresh drafts.
6. **Gone segments:** unused old entries with a non-empty msgstr become obsolete (``#~``) and are
   appended after the live entries, in their old order; untranslated ones are dropped (nothing to
   keep — msgmerge does the same). Entries that were obsolete already stay exactly as they
   were, previous strings (``#~|``) and plural forms included. Duplicate obsolete (msgctxt,
   msgid) pairs keep the first.
7. **Placeholders**: a live entry holding a machine draft whose format placeholders differ from
   its msgid's (:mod:`toolkit.formats.placeholders`) gets a ``needs review: placeholder-mismatch``
   line.

A PO with duplicate live entries is refused before merging (:func:`load_for_merge`), naming
both lines, as msgfmt does: the merge would otherwise have to pick one silently (issue 12.4).
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Mapping, Sequence

from toolkit.formats import placeholders
from toolkit.formats.po import (
    PoDocument, mirror_edge_newlines, nplurals_of, read_po, require_unique, write_po,
)
from toolkit.types import Status, Unit

#: Minimum ``difflib.SequenceMatcher.ratio()`` for a changed sentence to inherit an old
#: translation as fuzzy (msgmerge uses a similar 0.6 cut-off in its fuzzy search).
FUZZY_THRESHOLD = 0.6
#: Prefix of the extracted comment carrying the fresh draft next to a kept old msgstr.
NEW_DRAFT_COMMENT = "new machine draft: "
#: Prefix of translator comments the toolkit writes for a machine-check problem of a draft.
NEEDS_REVIEW = "needs review: "


def is_review_note(comment: str) -> bool:
    """Whether a translator comment is one of ours (``needs review: …``), not a reviewer's."""
    return comment.startswith(NEEDS_REVIEW)


def reviewer_comments(comments: Sequence[str]) -> tuple[str, ...]:
    """The translator comments a person wrote: all but the ``needs review:`` lines, in order."""
    return tuple(c for c in comments if not is_review_note(c))


def _comments_for_draft(old: Sequence[str], fresh: Sequence[str]) -> tuple[str, ...]:
    """Translator comments of an entry that takes the fresh draft: the reviewer's lines of the old
    entry kept, the ``needs review:`` lines those of the fresh draft (unchanged order if same)."""
    if [c for c in old if is_review_note(c)] == [c for c in fresh if is_review_note(c)]:
        return tuple(old) if old else tuple(fresh)
    return reviewer_comments(old) + tuple(c for c in fresh if is_review_note(c))


def approved_sources(existing: Sequence[Unit]) -> dict[str, Unit]:
    """Map each approved msgid to its approved unit, live entries before obsolete ones.

    The pipeline uses this to skip MT for sentences a reviewer already approved (the first
    approved occurrence in file order wins). Plural entries are left out (an article sentence
    is never one).
    """
    out: dict[str, Unit] = {}
    for unit in sorted(existing, key=lambda u: u.obsolete):  # stable: file order within each group
        if unit.is_approved and unit.msgid_plural is None and unit.msgid not in out:
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


def _merge_flags(old: Sequence[str], fresh: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*old, *fresh)))


def _kept_edit(old: Unit, new: Unit) -> Unit:
    """Rule 3, second case: the old unapproved msgstr kept, fuzzy; its draft note refreshed."""
    had_note = any(c.startswith(NEW_DRAFT_COMMENT) for c in old.comments)
    comments = new.comments + (_draft_note(new) if had_note else ())
    return _with_machine_fields(old, new, status=Status.FUZZY, comments=comments,
                                flags=_merge_flags(old.flags, new.flags))


def merge_units(existing: Sequence[Unit], fresh: Sequence[Unit]) -> list[Unit]:
    """Merge fresh drafts of the new article into the units of an existing (reviewed) PO.

    Args:
        existing: units read from the old PO (:func:`toolkit.formats.po.read_po`), obsolete ones
            included, in file order, no duplicate live entries (:func:`load_for_merge`).
        fresh: one unit per segment of the new article, in article order (drafts, usually fuzzy);
            their msgstr get msgid's edge newlines (b05) here.

    Returns:
        the live units in fresh order, then the obsolete units. See the module docstring for the
        rules; an approved translation is never changed and a human edit is never dropped.
    """
    fresh = [replace(u, msgstr=mirror_edge_newlines(u.msgid, u.msgstr)) if u.msgid_plural is None else u
             for u in fresh]
    pool = [u for u in existing if not u.obsolete] + [u for u in existing if u.obsolete]
    used = [False] * len(pool)
    by_key: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for i, unit in enumerate(pool):
        by_key[(unit.msgid, unit.msgid_plural)].append(i)

    result: list[Unit | None] = [None] * len(fresh)
    drafted: set[int] = set()   # positions holding the fresh machine draft
    unmatched: list[int] = []
    for j, new in enumerate(fresh):  # 1. exact matches, by occurrence
        idx = next((i for i in by_key.get((new.msgid, new.msgid_plural), ()) if not used[i]), None)
        if idx is None:
            unmatched.append(j)
            continue
        used[idx] = True
        old = pool[idx]
        if old.is_approved:
            result[j] = _with_machine_fields(old, new, previous_msgid=None, previous_msgctxt=None,
                                             previous_msgid_plural=None,
                                             translator_comments=reviewer_comments(old.translator_comments),
                                             flags=_merge_flags(old.flags, new.flags))
        elif not (new.msgstr or any(new.msgstr_plural)) and not (old.msgstr or any(old.msgstr_plural)):
            # no draft on either side (a catalogue merged with unchanged sources): the old entry
            # stays as it was, fuzzy flag and previous strings included
            result[j] = _with_machine_fields(old, new, flags=_merge_flags(old.flags, new.flags))
        elif not (old.msgstr or any(old.msgstr_plural)) \
                or (old.msgstr == new.msgstr and old.msgstr_plural == new.msgstr_plural):
            result[j] = replace(new, translator_comments=_comments_for_draft(old.translator_comments,
                                                                              new.translator_comments),
                                flags=_merge_flags(old.flags, new.flags))
            drafted.add(j)
        else:  # an unapproved edit we cannot tell from a machine draft: keep it, fuzzy
            result[j] = _kept_edit(old, new)

    live_positions = {id(u): k for k, u in enumerate(existing)}
    for j in unmatched:  # 4. changed sentences: fuzzy match
        new = fresh[j]
        best: tuple[float, int, int] | None = None  # (ratio, -distance, index)
        for i, old in enumerate(pool):
            if used[i] or not old.msgstr or old.msgid_plural != new.msgid_plural:
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
            drafted.add(j)
            continue
        idx = -best[2]
        used[idx] = True
        old = pool[idx]
        result[j] = _with_machine_fields(old, new, status=Status.FUZZY, previous_msgid=old.msgid,
                                         previous_msgctxt=old.msgctxt,
                                         previous_msgid_plural=old.msgid_plural,
                                         msgid=new.msgid, msgid_plural=new.msgid_plural,
                                         comments=new.comments + _draft_note(new),
                                         flags=_merge_flags(old.flags, new.flags))

    merged = [flag_placeholder_mismatch(u) if j in drafted else u
              for j, u in enumerate(result) if u is not None]
    seen = {(u.msgctxt, u.msgid) for u in merged}
    for i, old in enumerate(pool):  # 6. gone segments become obsolete
        if used[i] or not (old.msgstr or any(old.msgstr_plural)) or (old.msgctxt, old.msgid) in seen:
            continue
        seen.add((old.msgctxt, old.msgid))
        merged.append(old if old.obsolete else replace(old, obsolete=True))
    return merged


def flag_placeholder_mismatch(unit: Unit) -> Unit:
    """Mark a machine draft whose placeholders differ from its msgid's as needing review (fuzzy).

    The style comes from the entry's format flag (``c-format``…), else the conservative scan of
    :func:`toolkit.formats.placeholders.find_placeholders`. Nothing changes when they agree, the
    msgstr is empty, or the entry already carries a placeholder note.
    """
    if not unit.msgstr or unit.obsolete:
        return unit
    why = placeholders.mismatch(unit.msgid, unit.msgstr, placeholders.style_of(unit.flags))
    if why is None:
        return unit
    note = f"{NEEDS_REVIEW}{placeholders.MISMATCH_FLAG}: {why}"
    if any(c.startswith(f"{NEEDS_REVIEW}{placeholders.MISMATCH_FLAG}") for c in unit.translator_comments):
        return replace(unit, status=Status.FUZZY)
    return replace(unit, status=Status.FUZZY, translator_comments=unit.translator_comments + (note,))


def load_for_merge(path: str | Path) -> PoDocument | None:
    """Read the PO a run merges into; None if it does not exist.

    Raises:
        FormatError: syntax errors, or duplicate live entries (both ``file:line`` named).
        InputError: unreadable.
    """
    path = Path(path)
    if not path.exists():  # also a dangling symlink: the write creates its target
        return None
    doc = read_po(path)
    require_unique(doc)
    return doc


def write_merged_po(path: str | Path, units: Sequence[Unit], header: Mapping[str, str],
                    existing: PoDocument | None) -> None:
    """Write the result of a run: fresh drafts (``existing`` None) or a merge over ``existing``.

    Over an existing PO: its header comment is kept (issue 12.8); its ``Plural-Forms`` is kept when
    its plural entries need it and the language is the same (a reviewed catalogue's plural rule is
    the reviewers'); every string is written as it is (reviewers' text is never re-edged); and the
    write is refused if the file changed since it was read (issue 12.5,
    :class:`toolkit.text.files.ConcurrentEditError`: nothing is lost, re-running merges the save).
    """
    header = dict(header)
    if existing is None:
        write_po(path, units, header, expect=_absent())
        return
    old_forms = existing.header.get("Plural-Forms", "")
    if old_forms and existing.header.get("Language", "").strip() == header.get("Language", "").strip():
        plural_counts = {len(u.msgstr_plural) for u in units if u.msgid_plural is not None and not u.obsolete}
        if plural_counts and plural_counts != {nplurals_of(header)} and plural_counts == {nplurals_of(existing.header)}:
            header["Plural-Forms"] = old_forms
    write_po(path, units, header, header_comment=existing.header_comment, expect=existing.stamp,
             mirror_edges=False)


def _absent():
    from toolkit.text.files import FileStamp

    return FileStamp(False)
