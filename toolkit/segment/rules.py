"""Sentence-boundary rules for Vietnamese: where a stop ends a sentence, where a line break does.

Everything here works on one line (or on two adjacent lines joined by ``\\n``) and on code-point
offsets into it; nothing rewrites the text. :mod:`toolkit.segment.segmenter` strings the decisions together
into paragraphs and :class:`~toolkit.types.Segment` objects.

The rules follow the gold conventions 1–8 of ``shared/README.md``; each rule names the convention
it implements. Language data (abbreviations, numbering-label words) lives in
``toolkit/data/vi_*.txt`` and is read once with :mod:`importlib.resources`.
"""
from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass
from importlib import resources

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
"""A line shorter than this (code points, gap characters stripped) is never taken for a hard-wrapped
line continued by a lower-case line: bylines and short captions ("Hồng Nhung" / "từ ngày 18") stay
apart, while text wrapped at 40–80 columns (plain-text laws, e-mails) is joined (convention 3)."""

WRAP_UPPER_MIN_CHARS = 50
"""A line at least this long, ending mid-phrase, may be continued by a line that starts with a capital
(a proper noun at the wrap) when a neighbouring line break in the paragraph is a lower-case wrap."""

_LOOKBACK = 64  # code points scanned back from a stop to find the token it closes


@dataclass(frozen=True)
class Prefixes:
    """Non-breaking prefixes from ``vi_abbreviations.txt`` (Moses ``nonbreaking_prefix`` format).

    Attributes:
        plain: a following dot never ends a sentence (``TP``, ``PGS``, ``St``).
        numeric_only: the dot does not end a sentence only before a number (``tr. 25``).
        may_end: the dot ends a sentence when a capitalised word follows (``v.v. Tuy nhiên``).
    """

    plain: frozenset[str]
    numeric_only: frozenset[str]
    may_end: frozenset[str]


def _data_lines(name: str) -> list[str]:
    """Lines of ``toolkit/data/<name>`` that are neither blank nor ``#`` comments, stripped."""
    text = resources.files("toolkit").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@functools.lru_cache(maxsize=None)
def prefixes() -> Prefixes:
    """Load ``vi_abbreviations.txt`` once.

    Returns:
        Prefixes, split by their marker (``#NUMERIC_ONLY#``, ``#MAY_END_SENTENCE#`` or none).
    """
    plain, numeric, may_end = set(), set(), set()
    for line in _data_lines("vi_abbreviations.txt"):
        word, _, marker = line.partition(" ")
        {"#NUMERIC_ONLY#": numeric, "#MAY_END_SENTENCE#": may_end}.get(marker.strip(), plain).add(word)
    return Prefixes(frozenset(plain), frozenset(numeric), frozenset(may_end))


@functools.lru_cache(maxsize=None)
def numbering_labels() -> frozenset[str]:
    """Words introducing a numbering label (``Điều``, ``Chương``), from ``vi_numbering_labels.txt``."""
    return frozenset(_data_lines("vi_numbering_labels.txt"))


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


def _is_numbering_label(text: str, tok_start: int, token: str) -> bool:
    """``1.``, ``IV.``, ``a.`` at the start of a line, after a label word (``Điều 1.``) or opening an
    inline list after ``:`` or ``;`` (``gồm: 1. Sửa đổi; 2. Bổ sung``): convention 4."""
    if not LABEL_NUMBER.match(token):
        return False
    line_start = text.rfind("\n", 0, tok_start) + 1
    before = text[line_start:tok_start].strip(GAP_CHARS)
    return not before or before[-1] in ":;" or before in numbering_labels()


def dot_is_abbreviation(text: str, s: int, next_is_digit: bool) -> bool:
    """Whether the dot at ``text[s]`` closes an abbreviation, initial or label rather than a sentence.

    Args:
        text: one line, or two lines joined by ``\\n`` (the token must lie on the first).
        s: offset of the dot.
        next_is_digit: the next word starts with a digit (for ``#NUMERIC_ONLY#`` prefixes).

    Returns:
        True for ``TP.``, ``PGS.TS.``, ``Q.``, ``V.`` (initials), ``tr. 25``, ``Điều 1.`` and ``1.`` at a
        line start (conventions 4, 5); False for words, numbers, URLs and ``v.v.`` (which may end a
        sentence).
    """
    tok_start, token = _token_before(text, s)
    if not token or token[-1] in CLOSERS:
        return False
    if "@" in token or "://" in token or token.startswith("www."):
        return False  # a URL or e-mail address at the end of a sentence
    pre = prefixes()
    if token in pre.may_end:
        return False
    if token in pre.plain or _is_initial(token):
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
    domain or e-mail (convention 5). Only a capitalised word (upper then lower case) may follow."""
    if n + 1 >= len(text) or not (text[n].isupper() and text[n + 1].islower()):
        return False
    prev = text[s - 1] if s else ""
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
        a parenthesis or bracket after a finished sentence (8); never before a lower-case word (1, 6);
        ``!``, ``?``, ``…``, ``...`` otherwise end it, except an ellipsis right after an opening
        bracket (``(...)``, an omission); a single dot ends it unless :func:`dot_is_abbreviation` (4, 5).
    """
    if n >= len(text):
        return True
    if n == e:
        return _starts_new_sentence_unspaced(text, s, n)
    if text[n] in "([":
        return True
    c = _first_word_char(text, n)
    if c.islower():
        return False
    if text[s] != "." or text.startswith("..", s):
        return not (s and text[s - 1] in "([")
    return not dot_is_abbreviation(text, s, c.isdigit())


def inline_boundaries(line: str) -> list[int]:
    """Sentence ends inside one line (not at its end): offsets just after each ending stop cluster.

    Args:
        line: one line without its ``\\n``.

    Returns:
        Increasing offsets into ``line`` (code points); a segment ends there (gap characters trimmed).
    """
    out = []
    if not any(c in line for c in STOPS):
        return out
    for m in STOP_CLUSTER.finditer(line):
        e = m.end()
        n = e
        while n < len(line) and line[n] in GAP_CHARS:
            n += 1
        if n < len(line) and stop_ends_sentence(line, m.start(), e, n):
            out.append(e)
    return out


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


def classify_line_break(first: str, second: str) -> LineBreak:
    """Decide the line break between two adjacent non-blank lines of a paragraph.

    Args:
        first, second: the two lines, without ``\\n``.

    Returns:
        BREAK when ``second`` starts a list item or a bullet, when ``first`` ends a sentence (same rule
        as inline, :func:`stop_ends_sentence`), ends with ``;`` or ``:``, or looks like a headline,
        byline or date line (:func:`_is_title_like`); JOIN when ``first`` ends mid-sentence (or with an
        abbreviation) and ``second`` continues in lower case; MAYBE for a long line ending mid-phrase
        followed by a capitalised word (resolved by the caller from the neighbouring breaks).
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
    if a[-1] in ";:" or _is_title_like(a):
        return LineBreak.BREAK
    c = _first_word_char(b, 0)
    if c.islower():
        return LineBreak.JOIN if len(a) >= WRAP_MIN_CHARS else LineBreak.BREAK
    if (len(a) >= WRAP_UPPER_MIN_CHARS and (a[-1].isalpha() or a[-1] == ",") and (c.isupper() or c.isdigit())
            and not _is_title_like(b)):
        return LineBreak.MAYBE
    return LineBreak.BREAK


def _starts_with_label(line: str) -> bool:
    """The line opens with a label word and a number: ``Điều 2.``, ``Chương II`` (convention 4)."""
    head = line[:24]
    for label in numbering_labels():
        if head.startswith(label) and len(head) > len(label) and head[len(label)] in " \u00a0":
            rest = head[len(label):].lstrip()
            return bool(rest) and (rest[0].isdigit() or rest[0] in "IVXLC")
    return False
