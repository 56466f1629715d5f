"""Finding term occurrences in a segment: fixed terms, name patterns, exceptions, word check.

Works on :mod:`toolkit.text.keys` keys (NFC, one tone-mark placement, case-folded unless the form is
case-sensitive, straight = curly quotes); the author's text is never rewritten and offsets point into
the text as given. At each syllable start the candidates are:

* fixed forms (full form, abbreviations, variants) — longest whose end is a syllable boundary, is
  not blocked by the entry's exceptions and passes its word check; when the longest fails, shorter
  ones are tried (``Hội An`` inside ``Hội Anh``, shared/cases/b17, after pyahocorasick's ``iter_long``);
* name patterns with slots (:mod:`toolkit.terms.patterns`) found through their literal prefix;
* ``{PLACE}``: a gazetteer place name, when the base has such an entry.

The longest candidate wins; on equal length a fixed form beats a pattern. Matches never overlap.

Exceptions (per entry, :class:`~toolkit.terms.model.TermEntry`): ``not_after`` words (the term does
not fire right after them: ``hành`` for ``quân dân``), ``not_before`` words or ``{Name}`` (a
following capitalised name makes the term part of another proper name: ``Đảng`` in ``Đảng Nhân dân
Cách mạng Lào``, ``Bác Hồ`` in ``bác Hồ Văn Lâm``), and ``word_check`` (:mod:`toolkit.terms.wordseg`).
"""
from __future__ import annotations

from dataclasses import replace

from toolkit.terms.gazetteer import Gazetteer, default_gazetteer
from toolkit.terms.model import NAME_CONTEXT, TermEntry
from toolkit.terms.patterns import Pattern, SlotReader, fill, has_slots, parse_pattern
from toolkit.terms.wordseg import straddles
from toolkit.text.keys import is_word_char, key_of, make_key, make_keys
from toolkit.types import TermMatch, TermType

PLACE_SLOT = "{PLACE}"


class _Form:
    """One indexed source form of an entry, with its exception keys precomputed."""

    __slots__ = ("entry", "case_key", "after", "before", "name_before", "pattern")

    def __init__(self, entry: TermEntry, case_key: str | None, pattern: Pattern | None = None):
        self.entry = entry
        self.case_key = case_key
        self.after = tuple(key_of(w) for w in entry.not_after)
        self.before = tuple(key_of(w) for w in entry.not_before if w != NAME_CONTEXT)
        self.name_before = NAME_CONTEXT in entry.not_before
        self.pattern = pattern


class Matcher:
    """Index of a term base's source forms.

    Args:
        entries: validated entries (FORBIDDEN entries are indexed only for sources that have no
            approved entry, as in the older format).
        gazetteer: place names for slots (the shipped one when ``None``).
    """

    def __init__(self, entries: list[TermEntry], gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or default_gazetteer()
        self._index: dict[str, list[_Form]] = {}
        self._patterns: dict[str, list[_Form]] = {}
        self._place: _Form | None = None
        forbidden_only: dict[str, TermEntry] = {}
        for e in entries:
            if e.type is TermType.FORBIDDEN:
                if not e.synthetic:
                    forbidden_only.setdefault(key_of(e.source), e)
                continue
            for text, kind in e.source_forms():
                form_entry = e if text == e.source else replace(e, source=text, form=kind)
                sensitive = e.case_sensitive or kind == "abbreviation"
                if text.strip() == PLACE_SLOT:
                    self._place = _Form(form_entry, None)
                elif has_slots(text):
                    try:
                        pattern = parse_pattern(text)
                    except ValueError:
                        continue            # lint reports it
                    case = make_key(text.split("{", 1)[0], fold_case=False).text.strip() if sensitive else None
                    self._patterns.setdefault(pattern.prefix, []).append(_Form(form_entry, case, pattern))
                else:
                    case = key_of(text, fold_case=False) if sensitive else None
                    self._index.setdefault(key_of(text), []).append(_Form(form_entry, case))
        for fold, e in forbidden_only.items():
            if fold not in self._index:
                self._index[fold] = [_Form(e, None)]
        for forms in (*self._index.values(), *self._patterns.values()):
            forms.sort(key=lambda f: f.case_key is None)
        self._lengths = sorted({len(k) for k in self._index}, reverse=True)
        self._pattern_lengths = sorted({len(k) for k in self._patterns}, reverse=True)
        self._any_case = any(f.case_key is not None for fs in (*self._index.values(), *self._patterns.values())
                             for f in fs)

    # -- exceptions ------------------------------------------------------------------------------

    @staticmethod
    def _blocked(form: _Form, k: str, case_k: str, p: int, end: int) -> bool:
        if form.after:
            prev = k[:p].rstrip(" ")
            for w in form.after:
                if prev.endswith(w) and (len(prev) == len(w) or not is_word_char(prev[-len(w) - 1])):
                    return True
        if form.before or form.name_before:
            q = end + 1 if end < len(k) and k[end] == " " else end
            if q != end or end == len(k):
                if form.name_before and q < len(k) and is_word_char(k[q]) and case_k[q].isupper():
                    return True
                for w in form.before:
                    stop = q + len(w)
                    if k.startswith(w, q) and (stop >= len(k) or not (is_word_char(k[stop - 1]) and
                                                                      is_word_char(k[stop]))):
                        return True
        return False

    @staticmethod
    def _words_ok(text: str, key, p: int, end: int) -> bool:
        s, e = key.span(p, end)
        return not straddles(text, s, e)

    def _accept(self, form: _Form, text: str, key, case_k: str, p: int, end: int) -> bool:
        if form.case_key is not None and case_k[p:p + len(form.case_key)] != form.case_key:
            return False
        if self._blocked(form, key.text, case_k, p, end):
            return False
        return not form.entry.word_check or self._words_ok(text, key, p, end)

    # -- matching --------------------------------------------------------------------------------

    def _fixed_at(self, text: str, key, case_k: str, p: int, n: int, first_only: bool = False):
        k = key.text
        for length in self._lengths:
            end = p + length
            if end > n:
                continue
            forms = self._index.get(k[p:end])
            if not forms or (end < n and is_word_char(k[end - 1]) and is_word_char(k[end])):
                continue
            if first_only:
                return end, forms[0].entry
            for form in forms:
                if self._accept(form, text, key, case_k, p, end):
                    return end, form.entry
        return None

    def _pattern_at(self, text: str, key, case_k: str, p: int, n: int, reader: SlotReader):
        k = key.text
        best = None
        for length in self._pattern_lengths:
            forms = self._patterns.get(k[p:p + length])
            if not forms:
                continue
            for form in forms:
                got = reader.match(form.pattern, p)
                if got is None or (best is not None and got[0] <= best[0]):
                    continue
                end, vi, en = got
                if self._accept(form, text, key, case_k, p, end):
                    e = form.entry
                    s0, s1 = key.span(p, end)
                    filled = replace(e, source=" ".join(text[s0:s1].split()), target=fill(e.target, en),
                                     admitted=tuple(fill(a, en) for a in e.admitted),
                                     forbidden=tuple(fill(f, en) for f in e.forbidden))
                    best = (end, filled)
        if self._place is not None and case_k[p:p + 1].isupper():
            hit = reader._place(p, None)
            if hit is not None and (best is None or hit[0] > best[0]) \
                    and self._accept(self._place, text, key, case_k, p, hit[0]):
                end, place = hit
                e = self._place.entry
                s0, s1 = key.span(p, end)
                en = {"PLACE": place.english}
                best = (end, replace(e, source=text[s0:s1], target=fill(e.target, en),
                                     admitted=tuple(fill(a, en) for a in e.admitted)))
        return best

    def match(self, text: str) -> list[TermMatch]:
        """Non-overlapping occurrences in ``text``, sorted by ``start`` (see module docstring).

        Returns:
            :class:`~toolkit.types.TermMatch` with code-point offsets into ``text`` (end exclusive)
            and ``surface == text[start:end]``. A pattern match carries a copy of its entry whose
            ``source`` is the matched text and whose target/admitted have the slots filled.
        """
        if self._any_case or self._patterns or self._place is not None:
            key, case_k = make_keys(text)
        else:
            key = make_key(text)
            case_k = key.text
        k = key.text
        n = len(k)
        reader = None
        if self._patterns or self._place is not None:
            reader = SlotReader(text, key, case_k, self.gazetteer,
                                lambda q: self._fixed_at(text, key, case_k, q, n, first_only=True) is not None)
        out: list[TermMatch] = []
        p = 0
        while p < n:
            if k[p] == " " or (p > 0 and is_word_char(k[p - 1]) and is_word_char(k[p])):
                p += 1
                continue
            hit = self._fixed_at(text, key, case_k, p, n)
            if reader is not None:
                pat = self._pattern_at(text, key, case_k, p, n, reader)
                if pat is not None and (hit is None or pat[0] > hit[0]):
                    hit = pat
            if hit is None:
                p += 1
                continue
            end, entry = hit
            start, stop = key.span(p, end)
            out.append(TermMatch(start, stop, text[start:stop], entry))
            p = end
        return out
