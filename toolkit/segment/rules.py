"""Sentence-boundary rules for Vietnamese: where a stop ends a sentence, where a line break does.

Everything here works on one line (or on two adjacent lines joined by ``\\n``) and on code-point
offsets into it; nothing rewrites the text. :mod:`toolkit.segment.segmenter` strings the decisions together
into paragraphs and :class:`~toolkit.types.Segment` objects.

The rules follow the gold conventions 1–8 of ``shared/README.md``; each rule names the convention
it implements. Language data (abbreviations, numbering-label words, unit symbols) lives in
``toolkit/data/vi_*.txt`` and is read by :mod:`toolkit.segment.lexicon`.

The module is a little over 400 lines on purpose: every rule shares the same few token helpers
(:func:`_token_before`, :func:`_tokens_after`, :func:`_first_word_char`) and the order of the
decisions in :func:`stop_ends_sentence` and :func:`classify_line_break` reads best in one place.
"""
from __future__ import annotations

import enum
import re

from toolkit.segment.lexicon import Prefixes, looks_vietnamese, numbering_labels, prefixes, unit_symbols

__all__ = ["GAP_CHARS", "LineBreak", "Prefixes", "classify_line_break", "dot_is_abbreviation", "inline_boundaries",
           "numbering_labels", "prefixes", "stop_ends_sentence"]

# Characters that separate segments. ``str.isspace()`` is true exactly for these (Unicode White_Space
# plus the C0 separators U+001C–U+001F, as in CPython 3.11); zero-width space, word joiner and a stray
# BOM are added because they are invisible and the scorer in shared/segmentation counts them as space.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
              "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
ZERO_WIDTH = "\u200b\u2060\ufeff"
GAP_CHARS = WHITESPACE + ZERO_WIDTH

STOPS = ".!?…"
OPENERS = "“\"‘'«([{"
CLOSERS = "”\"’'»)]}"
_GAP_CLASS = "[" + re.escape(GAP_CHARS) + "]"

# A sentence-final cluster: one stop, then any further stops, closing quotes/brackets and footnote
# markers, in any order: `.`, `?!`, `...`, `.”`, `.)`, `.[1]`, `.[7].` (conventions 1, 6, 7).
STOP_CLUSTER = re.compile(r"[.!?…](?:[.!?…”\"’'»)\]}]|\[\d{1,3}\])*")
# The same cluster closing a line (only gap characters after it).
STOP_CLUSTER_AT_END = re.compile(STOP_CLUSTER.pattern + _GAP_CLASS + r"*\Z")

# A line that starts a list item or a bullet: `- `, `• `, `1. `, `2) `, `a) `, `IV. ` (convention 2).
LIST_ITEM_START = re.compile(r"[-–—•●▪◦○■□►✓*+·](?=\s)|\(?(?:\d{1,3}|[a-zđ]|[IVXLC]{1,6})[.)](?=\s)")
# A numbering token whose dot belongs to a label: `1`, `1.2`, `IV`, `a`, `A` (convention 4).
LABEL_NUMBER = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}|[A-Za-zĐđ])\Z")

WRAP_MIN_CHARS = 30
"""A line at least this long (code points, gap characters stripped), ending mid-sentence and continued
by a lower-case line, is a hard wrap (convention 3: text wrapped at 40–80 columns, plain-text laws,
e-mails). A shorter one is a wrap only when its paragraph shows hard wrapping elsewhere
(:attr:`LineBreak.SHORT`: text set in a narrow column, issue 14); alone, short lines such as a
menu entry over a lower-case line stay apart (convention 2)."""

CAPS_WRAP_MIN_CHARS = 40
"""An all-capital line at least this long, ending mid-phrase and followed by another all-capital line,
is a heading wrapped at the column width (convention 3; issue 14). Shorter capital lines are laid out
one per line on purpose (the header block of an official letter: ``ỦY BAN NHÂN DÂN`` / ``TỈNH BẮC
GIANG``, ``CHƯƠNG I`` / ``NHỮNG QUY ĐỊNH CHUNG``) and stay separate segments (convention 2)."""

WRAP_UPPER_MIN_CHARS = 50
"""A line at least this long, ending mid-phrase, may be continued by a line that starts with a capital
(a proper noun at the wrap) when a neighbouring line break in the paragraph is a lower-case wrap."""

_LOOKBACK = 64  # code points scanned back from a stop to find the token it closes


def _first_word_char(text: str, i: int, limit: int = 8) -> str:
    """The first letter or digit at or after ``i``, skipping opening quotes, brackets, dashes and the
    gaps after a dash (``“Đi!” – anh nói``: the dash introduces the rest of the same sentence)."""
    dash = False
    for c in text[i:i + limit]:
        if c.isalnum():
            return c
        if c in "-–—":
            dash = True
        elif c not in OPENERS and not (dash and c in GAP_CHARS):
            return c
    return ""


def _token_before(text: str, s: int) -> tuple[int, str]:
    """The non-gap run ending at ``s`` (at most ``_LOOKBACK`` code points), without leading openers.

    Returns:
        (start offset of the token in ``text``, token).
    """
    i = s
    lo = max(0, s - _LOOKBACK)
    while i > lo and text[i - 1] not in GAP_CHARS:
        i -= 1
    while i < s and text[i] in OPENERS:
        i += 1
    return i, text[i:s]


def _is_initial(part: str) -> bool:
    """A single capital letter without tone or vowel mark: an initial (``Nguyễn V. A.``, ``Đ.``) or an
    address letter (``Q. 1``, ``P. 5``). Marked capitals are words: ``Á`` (Asia), ``Ý`` (Italy)."""
    return len(part) == 1 and ("A" <= part <= "Z" or part == "Đ")


def _tokens_after(text: str, i: int, count: int = 2) -> list[str]:
    """Up to ``count`` non-gap runs of ``text`` from ``i`` on (gaps, line breaks included, skipped)."""
    out = []
    n = len(text)
    while len(out) < count:
        while i < n and text[i] in GAP_CHARS:
            i += 1
        j = i
        while j < n and text[j] not in GAP_CHARS and j - i < _LOOKBACK:
            j += 1
        if j == i:
            break
        out.append(text[i:j])
        i = j
    return out


def _core(token: str) -> str:
    """A token without leading openers and trailing stops, closers and punctuation: ``(Sau`` → ``Sau``."""
    return token.lstrip(OPENERS).rstrip(STOPS + CLOSERS + ",;:")


def _letter_ends_sentence(text: str, tok_start: int, s: int, letter: str) -> bool:
    """Whether a one-capital ``letter`` and its dot at ``s`` end a sentence (issue 14), decided by the
    letter's role and what follows, before a capitalised word:

    - a unit symbol after a number or a unit word (``38 độ C. Người dân …``, ``220 V. Sau đó``), or a
      letter named as a letter (``hình chữ V. Victory.``): ends;
    - after a lower-case word, a grade, label or withheld name (``hạng A. Đội …``, ``chị H. Sau đó``)
      ends when a sentence-like word follows: a Vietnamese-shaped word with a lower-case word after it;
      an address letter before a place name (``về Q. Bình Thạnh``), an initial before another
      initial, a foreign name (``tác giả J. Smith``) or a title word (``J. Phys.``) does not;
    - after a capitalised name, a title, punctuation or at a line start it is an initial or an address
      letter (``Nguyễn V. A.``, ``PGS. T. Hùng``, ``, P. Bến Nghé``): does not end (convention 5).
    """
    nxt = _tokens_after(text, s + 1, 2)
    if not nxt or not nxt[0].lstrip(OPENERS)[:1].isupper():
        return False  # lower case, digits (``Q. 1``) and punctuation are decided by the caller
    i = tok_start
    while i > 0 and text[i - 1] in GAP_CHARS and text[i - 1] != "\n":
        i -= 1
    prev = _token_before(text, i)[1] if i < tok_start else ""
    symbols, unit_words, letter_words = unit_symbols()
    if (letter in symbols and (prev in unit_words or prev[-1:].isdigit())) or prev in letter_words:
        return True
    if not prev or not prev[0].islower() or not prev[-1].isalpha():
        return False
    first = _core(nxt[0])
    if len(first) == 1 or first in prefixes() or not looks_vietnamese(first):
        return False
    return len(nxt) < 2 or not nxt[1].lstrip(OPENERS)[:1].isupper()


def _title_word_ends_sentence(text: str, s: int) -> bool:
    """A journal-title word's dot (``Lett.``) ends the sentence only before a capitalised word that is
    not part of the title: not another listed abbreviation (``Phys. Rev.``), not a section letter
    (``Nucl. Phys. B``), not a number, lower-case word or punctuation (``J. Phys.;``)."""
    nxt = _tokens_after(text, s + 1, 1)
    if not nxt:
        return True
    word = _core(nxt[0])
    return word[:1].isupper() and len(word) > 1 and word not in prefixes()


def _is_numbering_label(text: str, tok_start: int, token: str) -> bool:
    """``1.``, ``IV.``, ``a.`` at the start of a line, after a label word that starts the line or a
    sentence (``Điều 1.``, ``… xong. Ảnh 2. Người dân …``) or opening an inline list after ``:`` or
    ``;`` (``gồm: 1. Sửa đổi; 2. Bổ sung``): convention 4 and caption labels (issue 14)."""
    if not LABEL_NUMBER.match(token):
        return False
    line_start = text.rfind("\n", 0, tok_start) + 1
    before = text[line_start:tok_start].strip(GAP_CHARS)
    if not before or before[-1] in ":;" or before in numbering_labels():
        return True
    for label in numbering_labels():
        if before.endswith(label) and len(before) > len(label) and before[-len(label) - 1] in GAP_CHARS:
            head = before[:-len(label)].rstrip(GAP_CHARS)
            return head[-1:] in STOPS + CLOSERS
    return False


def dot_is_abbreviation(text: str, s: int, next_is_digit: bool) -> bool:
    """Whether the dot at ``text[s]`` closes an abbreviation, initial or label rather than a sentence.

    Args:
        text: one line, or two lines joined by ``\\n`` (the token must lie on the first).
        s: offset of the dot.
        next_is_digit: the next word starts with a digit (for ``#NUMERIC_ONLY#`` prefixes).

    Returns:
        True for ``TP.``, ``PGS.TS.``, ``Q.``, ``V.`` (initials), ``tr. 25``, ``Điều 1.`` and ``1.`` at a
        line start (conventions 4, 5); False for words, numbers, URLs and ``v.v.`` (which may end a
        sentence), for a one-letter unit, grade or withheld name that ends a sentence
        (:func:`_letter_ends_sentence`) and for a journal-title word before the next sentence.
    """
    tok_start, token = _token_before(text, s)
    if not token or token[-1] in CLOSERS:
        return False
    if "@" in token or "://" in token or token.startswith("www."):
        return False  # a URL or e-mail address at the end of a sentence
    pre = prefixes()
    if token in pre.may_end:
        return False
    if token in pre.journal:
        return not _title_word_ends_sentence(text, s)
    if _is_initial(token):
        return not _letter_ends_sentence(text, tok_start, s, token)
    if token in pre.plain:
        return True
    if token in pre.numeric_only:
        return next_is_digit
    if _is_numbering_label(text, tok_start, token):
        return True
    parts = token.split(".")
    return len(parts) > 1 and all(p in pre.plain or _is_initial(p) for p in parts)


def _starts_new_sentence_unspaced(text: str, s: int, n: int) -> bool:
    """A stop with no space after it ends a sentence (``năm 1955.Ông``, convention 1) unless it sits
    inside an abbreviation (``TP.HCM``, ``Th.S``, ``ThS.BS``), a number (``8.1.1877``) or a URL,
    domain or e-mail (convention 5). Only a capitalised word (upper then lower case) may follow.
    A dot after a space and before such a word separates two fields (``… Điện Bàn .Ngày đăng``)."""
    if n + 1 >= len(text) or not (text[n].isupper() and text[n + 1].islower()):
        return False
    prev = text[s - 1] if s else ""
    if prev in GAP_CHARS and text[s] == ".":
        return True  # a field separator: "UBND thị xã .Ngày đăng: …"
    if not (prev.isalnum() or prev in CLOSERS):
        return False
    _, token = _token_before(text, s)
    if any(c in token for c in "/@:"):
        return False
    if text[s] != ".":
        return True
    word = token.rsplit(".", 1)[-1].rstrip(CLOSERS)
    pre = prefixes()
    if word in pre.plain or word in pre.numeric_only or _is_initial(word):
        return False
    return len(word) >= 2 or word.isdigit()


def stop_ends_sentence(text: str, s: int, e: int, n: int) -> bool:
    """Decide whether the stop cluster ``text[s:e]`` ends a sentence.

    Args:
        text: one line, or two lines joined by ``\\n`` when the cluster ends the first.
        s, e: the cluster (a :data:`STOP_CLUSTER` match), code points, end exclusive.
        n: offset of the first non-gap character after ``e`` (``len(text)`` if none).

    Returns:
        True when a new sentence starts at ``n``. Rules, by convention of shared/README.md:
        end of text (1); a stop glued to a capitalised word (1, :func:`_starts_new_sentence_unspaced`);
        a parenthesis or bracket after a finished sentence (8, :func:`_parenthesis_starts_segment`);
        not before a lower-case word (1, 6) unless a plain word's full stop precedes it
        (:func:`_word_stop_before_lower`);
        ``!``, ``?``, ``…``, ``...`` otherwise end it, except an ellipsis right after an opening
        bracket (``(...)``, an omission); a single dot ends it unless :func:`dot_is_abbreviation` (4, 5).
    """
    if n >= len(text):
        return True
    if n == e:
        return _starts_new_sentence_unspaced(text, s, n)
    if text[n] in "([":
        return _parenthesis_starts_segment(text, s, n)
    c = _first_word_char(text, n)
    if c.islower():
        return _word_stop_before_lower(text, s, n)
    if text[s] != "." or text.startswith("..", s):
        return not (s and text[s - 1] in "([")
    return not dot_is_abbreviation(text, s, c.isdigit())


_PAREN_LOOKAHEAD = 400  # code points searched for the bracket that closes a parenthesis


def matching_close(text: str, n: int) -> int:
    """Offset of the ``)`` or ``]`` closing the bracket at ``text[n]`` (nesting counted), or -1 when
    it is not closed within :data:`_PAREN_LOOKAHEAD` code points."""
    pair = {"(": ")", "[": "]"}[text[n]]
    depth = 0
    for i in range(n, min(len(text), n + _PAREN_LOOKAHEAD)):
        if text[i] == text[n]:
            depth += 1
        elif text[i] == pair:
            depth -= 1
            if depth == 0:
                return i
    return -1


def _parenthesis_starts_segment(text: str, s: int, n: int) -> bool:
    """Whether the parenthesis at ``n``, after the stop cluster at ``s``, starts a segment.

    Conventions 6–8 made precise (issue 14): the parenthesis belongs to the sentence before it when
    that sentence's real end comes after it — the closing bracket is followed by a stop (a source
    citation, ``… tăng mạnh… (Thanh Niên, số ra ngày 2/3).``, ``… ngay!” (Tuổi Trẻ, trang 4).``) or by
    a lower-case word (``“Đi!” (anh hét) rồi chạy.``) — or when it is a lower-case note after an
    ellipsis (``… không biết nữa… (cười)``). Otherwise a parenthesis after a finished sentence is its
    own segment (8): one holding a sentence of its own (``(Xem thêm trang 5.)``), a source line at
    the end (``… khoảng 30%. (VNews)``) or one before the next sentence.
    """
    close = matching_close(text, n)
    if close < 0:
        return True
    after = close + 1
    if after < len(text) and text[after] in STOPS:
        return False
    inner = text[n + 1:close].strip(GAP_CHARS)
    if inner[-1:] in STOPS:
        return True
    while after < len(text) and text[after] in GAP_CHARS:
        after += 1
    if _first_word_char(text, after).islower():
        return False
    ellipsis = text[s] == "…" or text.startswith("...", s)
    return not (ellipsis and inner[:1].islower())


def _word_stop_before_lower(text: str, s: int, n: int) -> bool:
    """A plain word's single full stop followed by a lower-case word: in informal text a sentence
    that starts in lower case (``… đang trên Sapa. heeee Kệ, …``, convention 1). Not for abbreviations
    of any list, initials, numbers, dotted tokens (``v.v.``, ``e.g.``) or all-capital acronyms."""
    if text[s] != "." or text.startswith("..", s) or (s and text[s - 1] == "."):
        return False
    token = _token_before(text, s)[1]
    if len(token) < 2 or not token.isalpha() or not any(ch.islower() for ch in token) or token in prefixes():
        return False
    nxt = _tokens_after(text, n, 1)
    word = nxt[0].rstrip(STOPS + CLOSERS + ",;:") if nxt else ""
    return word.isalpha() and word.islower()


def inline_boundaries(line: str) -> list[int]:
    """Sentence ends inside one line (not at its end): offsets just after each ending stop cluster.

    Args:
        line: one line without its ``\\n``.

    Returns:
        Increasing offsets into ``line`` (code points); a segment ends there (gap characters trimmed).
        A parenthesis after a stop also ends a segment where it closes when a capitalised word follows
        it (``… xong. (Ảnh: TTXVN) Người dân …``: its own segment, convention 8).
    """
    out: list[int] = []
    if not any(c in line for c in STOPS):
        return out
    for m in STOP_CLUSTER.finditer(line):
        e = m.end()
        n = e
        while n < len(line) and line[n] in GAP_CHARS:
            n += 1
        if n < len(line) and stop_ends_sentence(line, m.start(), e, n):
            out.append(e)
        if n < len(line) and line[n] in "([":
            # Split off (8) or kept as a note (``… nữa… (cười) Thôi, …``), the parenthesis closes the
            # segment when the next sentence starts right after it.
            close = matching_close(line, n)
            after = close + 1
            while 0 < after < len(line) and line[after] in GAP_CHARS:
                after += 1
            if 0 < after < len(line) and _first_word_char(line, after).isupper():
                out.append(close + 1)
    return sorted(set(out)) if len(out) > 1 else out


def _is_title_like(line: str) -> bool:
    """No word starts with a lower-case letter: headlines in capitals, names, date lines
    (``CHÍNH PHỦ``, ``Hồng Nhung``, ``12:52:28 | 8/9/2015``); such a line is a segment of its own."""
    for word in line.split():
        for c in word:
            if c.isalpha():
                if c.islower():
                    return False
                break
    return True


class LineBreak(enum.Enum):
    """What a line break inside a paragraph is (convention 2 vs convention 3)."""

    BREAK = "break"    # the lines are separate segments
    JOIN = "join"      # a hard wrap inside a sentence
    MAYBE = "maybe"    # a wrap before a capitalised word: JOIN only next to another JOIN
    SHORT = "short"    # a short line (or one before a number) continued in lower case / by a number:
                       # JOIN when the paragraph shows hard wrapping anywhere (a JOIN), else BREAK


def classify_line_break(first: str, second: str) -> LineBreak:
    """Decide the line break between two adjacent non-blank lines of a paragraph.

    Args:
        first, second: the two lines, without ``\\n``.

    Returns:
        BREAK when ``second`` starts a list item or a bullet, when ``first`` ends a sentence (same rule
        as inline, :func:`stop_ends_sentence`), ends with ``;`` or ``:``, or looks like a headline,
        byline or date line (:func:`_is_title_like`); JOIN when ``first`` ends mid-sentence (or with an
        abbreviation) and ``second`` continues in lower case, or when two all-capital lines are one
        heading wrapped at the column width (the first at least :data:`CAPS_WRAP_MIN_CHARS` long);
        MAYBE for a long line ending mid-phrase followed by a capitalised word, SHORT for a shorter
        line continued in lower case or a line ending in a lower-case word continued by a number
        (both resolved by the caller from the paragraph's other breaks).
    """
    a = first.rstrip(GAP_CHARS)
    b = second.lstrip(GAP_CHARS)
    if not a or not b or LIST_ITEM_START.match(b) or _starts_with_label(b):
        return LineBreak.BREAK
    m = STOP_CLUSTER_AT_END.search(a)
    if m:
        pair = a + "\n" + b
        s = m.start()
        if (a[s] == "." and not a.startswith("..", s) and _token_before(a, s)[1] not in prefixes().may_end
                and not dot_is_abbreviation(pair, s, _first_word_char(b, 0).isdigit())):
            # A word's full stop at a line end ends the sentence even before a lower-case line (a slug,
            # a caption); abbreviations, initials and labels go on ("TP.\nHồ Chí Minh", "v.v.\nvà").
            return LineBreak.BREAK
        return LineBreak.BREAK if stop_ends_sentence(pair, s, m.end(), len(a) + 1) else LineBreak.JOIN
    if len(a) >= CAPS_WRAP_MIN_CHARS and _is_capitals(a) and _is_capitals(b) and (a[-1].isalnum() or a[-1] in ",-–"):
        return LineBreak.JOIN
    if a[-1] in ";:" or _is_title_like(a):
        return LineBreak.BREAK
    c = _first_word_char(b, 0)
    # A continuation indented deeper than its line hangs under a term (`--block-size=CỠ` over its
    # description, a definition list): not a wrap of a short line.
    hanging = len(second) - len(b) > len(first) - len(first.lstrip(GAP_CHARS))
    if c.islower():
        if len(a) >= WRAP_MIN_CHARS:
            return LineBreak.JOIN
        return LineBreak.BREAK if hanging else LineBreak.SHORT
    if c.isdigit() and a[-1].islower() and not hanging:
        return LineBreak.SHORT  # "… vào sáng ngày" / "15/5/2019.": a date or amount after a wrap
    if (len(a) >= WRAP_UPPER_MIN_CHARS and (a[-1].isalpha() or a[-1] == ",") and (c.isupper() or c.isdigit())
            and not _is_title_like(b)):
        return LineBreak.MAYBE
    return LineBreak.BREAK


def _is_capitals(line: str) -> bool:
    """Letters, none of them lower case: a heading in capitals (``VỀ VIỆC BỔ SUNG …``)."""
    return any(c.isalpha() for c in line) and not any(c.islower() for c in line)


def _starts_with_label(line: str) -> bool:
    """The line opens with a label word and a number: ``Điều 2.``, ``Chương II`` (convention 4)."""
    head = line[:24]
    for label in numbering_labels():
        if head.startswith(label) and len(head) > len(label) and head[len(label)] in " \u00a0":
            rest = head[len(label):].lstrip()
            return bool(rest) and (rest[0].isdigit() or rest[0] in "IVXLC")
    return False
