"""Format placeholders in PO strings: find them, compare source and translation, mask them for MT.

Styles (GNU gettext manual, "Format strings", and ``msgfmt --check-format``):

* ``c-format`` / ``python-format``: printf directives ``%[n$][flags][width][.prec][len]conv`` and
  Python's ``%(name)conv``; ``%%`` is a literal percent, not a placeholder;
* ``python-brace-format``: ``{}``, ``{0}``, ``{name}``, ``{name!r:>10}``; ``{{``/``}}`` are literal.

An entry without a format flag is scanned conservatively (``%s``/``%d``/``%(name)s``/``{name}``),
since ``50% of`` in prose is a valid printf directive (``% o``) but not a placeholder.

:func:`mismatch` follows msgfmt: unnumbered printf directives must appear in the same order with
the same conversion; numbered (``%1$s``) and named ones (``%(max)s``, ``{name}``) as a multiset.
:func:`protect_placeholders` wraps an MT callable so placeholders travel as opaque ``PHn`` tokens
and come back verbatim; a hypothesis that loses or changes one gets a ``placeholder-mismatch``
flag (a "needs review" reason in the PO).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Callable, Iterable, Sequence

FORMAT_FLAGS = ("c-format", "python-format", "python-brace-format")
#: Flag put on a draft whose placeholders differ from its source's.
MISMATCH_FLAG = "placeholder-mismatch"

_PRINTF = re.compile(
    r"%(?:(?P<pos>\d+)\$)?(?:\((?P<name>[^)]*)\))?[-+ #0']*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
    r"(?:hh|h|ll|l|L|q|j|z|Z|t)?(?P<conv>[diouxXeEfFgGaAcspnCSr%])")
_BRACE = re.compile(r"\{\{|\}\}|\{(?P<field>[^{}]*)\}")
_CONSERVATIVE = re.compile(r"%(?:\d+\$)?(?:\([A-Za-z_][A-Za-z0-9_]*\))?[sdS]|\{[A-Za-z_0-9]*\}")
_TOKEN = "PH{n}"
_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9])PH\s?(\d+)(?![0-9])")


def style_of(flags: Iterable[str]) -> str | None:
    """The format style named by an entry's flags (``c-format``...), or None."""
    for flag in flags:
        if flag in FORMAT_FLAGS:
            return flag
    return None


def find_placeholders(text: str, style: str | None = None) -> list[str]:
    """Placeholders of ``text`` in order, as written (``%s``, ``%(max)s``, ``{name}``).

    Args:
        style: one of :data:`FORMAT_FLAGS`, or None for the conservative scan.
    """
    if style in ("c-format", "python-format"):
        return [m.group(0) for m in _PRINTF.finditer(text) if m.group("conv") != "%"]
    if style == "python-brace-format":
        return [m.group(0) for m in _BRACE.finditer(text) if m.group("field") is not None]
    return _CONSERVATIVE.findall(text)


def _ordered(ph: str) -> bool:
    """Whether a placeholder's position matters (unnumbered, unnamed printf)."""
    return ph.startswith("%") and "$" not in ph and "(" not in ph


def mismatch(source: str, translation: str, style: str | None = None) -> str | None:
    """Why ``translation``'s placeholders differ from ``source``'s, or None when they agree.

    Returns:
        e.g. ``"%s → %S"`` or ``"missing %(max)s; extra %(maximum)s"``.
    """
    src, tgt = find_placeholders(source, style), find_placeholders(translation, style)
    src_seq, tgt_seq = [p for p in src if _ordered(p)], [p for p in tgt if _ordered(p)]
    if src_seq != tgt_seq:
        if len(src_seq) == len(tgt_seq):
            return "; ".join(f"{a} → {b}" for a, b in zip(src_seq, tgt_seq) if a != b)
        return f"{' '.join(src_seq) or 'none'} → {' '.join(tgt_seq) or 'none'}"
    a = Counter(p for p in src if not _ordered(p))
    b = Counter(p for p in tgt if not _ordered(p))
    if a == b:
        return None
    parts = []
    if a - b:
        parts.append("missing " + " ".join(sorted((a - b).elements())))
    if b - a:
        parts.append("extra " + " ".join(sorted((b - a).elements())))
    return "; ".join(parts)


def mask(text: str, style: str | None = None) -> tuple[str, list[str]]:
    """Replace each placeholder by ``PH1``, ``PH2``…; returns (masked text, placeholders).

    A text that already contains something like ``PH1`` is left unmasked (it could not be told
    apart), and the returned list is empty.
    """
    found = list(_iter_spans(text, style))
    if not found or _TOKEN_RE.search(text):
        return text, []
    out, pos, phs = [], 0, []
    for start, end in found:
        out.append(text[pos:start])
        phs.append(text[start:end])
        out.append(_TOKEN.format(n=len(phs)))
        pos = end
    out.append(text[pos:])
    return "".join(out), phs


def unmask(text: str, placeholders: Sequence[str]) -> str:
    """Put placeholders back in place of ``PHn`` tokens (unknown numbers are left as they are)."""
    def repl(m: re.Match) -> str:
        n = int(m.group(1))
        return placeholders[n - 1] if 1 <= n <= len(placeholders) else m.group(0)

    return _TOKEN_RE.sub(repl, text) if placeholders else text


def _iter_spans(text: str, style: str | None) -> Iterable[tuple[int, int]]:
    if style in ("c-format", "python-format"):
        return ((m.start(), m.end()) for m in _PRINTF.finditer(text) if m.group("conv") != "%")
    if style == "python-brace-format":
        return ((m.start(), m.end()) for m in _BRACE.finditer(text) if m.group("field") is not None)
    return ((m.start(), m.end()) for m in _CONSERVATIVE.finditer(text))


def protect_placeholders(translate: Callable, style: str | None = None) -> Callable:
    """Wrap an MT callable ``translate(texts, n_best) -> [[Hypothesis]]`` to keep placeholders.

    Each text is masked (:func:`mask`) before the call and each hypothesis unmasked after it; a
    hypothesis whose placeholders still differ from its text's gets the flag
    ``placeholder-mismatch: <why>`` (the pipeline writes it as a "needs review" reason).
    """
    def wrapped(texts, n_best):
        masked = [mask(t, style) for t in texts]
        results = translate([m for m, _ in masked], n_best)
        out = []
        for text, (_, phs), hyps in zip(texts, masked, results):
            fixed = []
            for h in hyps:
                restored = unmask(h.text, phs)
                why = mismatch(text, restored, style)
                flags = h.flags + ((f"{MISMATCH_FLAG}: {why}",) if why else ())
                fixed.append(replace(h, text=restored, flags=flags))
            out.append(fixed)
        return out

    return wrapped
