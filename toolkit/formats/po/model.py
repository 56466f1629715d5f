"""The PO document model and its header: fields, languages, ``Plural-Forms`` per language.

Status mapping (once, here): empty msgstr → ``Status.NEW``; ``#, fuzzy`` → ``Status.FUZZY``;
otherwise ``Status.TRANSLATED`` (approved, :attr:`toolkit.types.Unit.is_approved`). A fuzzy entry
with an empty msgstr reads as FUZZY.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from toolkit.errors import FormatError
from toolkit.types import Unit

try:  # the CLI version ends up in X-Generator; formats must not depend on the package import order
    from toolkit import __version__ as _TOOLKIT_VERSION
except ImportError:  # pragma: no cover
    _TOOLKIT_VERSION = "0"

#: Header fields every PO we write carries, in gettext's order (shared/cases/b07).
REQUIRED_HEADER_FIELDS = (
    "Project-Id-Version", "PO-Revision-Date", "Last-Translator", "Language-Team", "Language",
    "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Plural-Forms",
)
#: Header fields naming the source language, first match wins (ours, then other tools').
SOURCE_LANGUAGE_FIELDS = ("X-Source-Language", "X-Poedit-SourceLanguage", "X-Source-Lang", "Source-Language")

#: ``Plural-Forms`` by language (GNU gettext manual, "Plural forms", and its ``plural-table.c``).
#: Languages not listed get English's two-form rule only when they are English; otherwise the
#: caller must give one (a wrong nplurals makes ``msgfmt --check`` fail).
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "vi": "nplurals=1; plural=0;",
    "zh": "nplurals=1; plural=0;",
    "ja": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
    "th": "nplurals=1; plural=0;",
    "id": "nplurals=1; plural=0;",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
          "(n%100<10 || n%100>=20) ? 1 : 2);",
}
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def plural_forms_for(language: str) -> str | None:
    """The ``Plural-Forms`` value of ``language`` (``vi``, ``en_US`` ...), or None if unknown."""
    lang = language.strip()
    return PLURAL_FORMS.get(lang) or PLURAL_FORMS.get(lang.split("_")[0].split("-")[0].lower())


def nplurals_of(header: Mapping[str, str]) -> int | None:
    """``nplurals`` of the header's ``Plural-Forms``; None when absent or unreadable."""
    m = _NPLURALS.search(header.get("Plural-Forms", ""))
    return int(m.group(1)) if m else None


@dataclass
class PoDocument:
    """A PO file as read.

    Attributes:
        path: where it was read from.
        header: header fields in file order (``{"Language": "en", ...}``).
        units: one :class:`Unit` per entry, header excluded, obsolete entries included
            (``obsolete=True``), in file order; plural entries carry every form.
        warnings: problems that did not stop reading (charset, fuzzy header, missing header ...).
        entries: the polib entries, for a faithful re-save with :func:`save_po`.
        header_comment: translator comment lines above the header entry (``# Copyright …``).
        encoding: the charset the file was decoded with (Python codec name).
        lines: 1-based line where each unit's entry starts (same order as ``units``).
        stamp: the file's identity when read (:class:`toolkit.text.files.FileStamp`), so a writer
            can tell whether someone saved it since.
        header_flags: flags of the header entry (``fuzzy``), kept for the checks.
    """

    path: Path
    header: dict[str, str]
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)
    entries: list[Any] = field(default_factory=list, repr=False)
    header_comment: str = ""
    encoding: str = "utf-8"
    lines: list[int] = field(default_factory=list)
    stamp: Any = None
    header_flags: tuple[str, ...] = ()

    @property
    def target_language(self) -> str:
        """The ``Language`` header field (``""`` if absent)."""
        return self.header.get("Language", "").strip()

    @property
    def declared_source_language(self) -> str:
        """``X-Source-Language`` (or another known field); ``""`` when the header does not say."""
        for name in SOURCE_LANGUAGE_FIELDS:
            value = self.header.get(name, "").strip()
            if value:
                return value
        return ""

    @property
    def source_language(self) -> str:
        """The declared source language (``""`` when undeclared: see :func:`guess_source_language`)."""
        return self.declared_source_language


def po_header(source_lang: str = "vi", target_lang: str = "en",
              extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Build a complete, non-fuzzy header (shared/cases/b07).

    Args:
        source_lang: source language code, written as ``X-Source-Language``.
        target_lang: target language code, written as ``Language``.
        extra: further fields (``X-Toolkit-Version``, ``X-MT-Model``, ``X-Glossary-Checksum`` ...);
            they override the defaults of the same name and come after them otherwise.

    Returns:
        dict in gettext's field order. ``Plural-Forms`` is the target language's
        (:data:`PLURAL_FORMS`; ``nplurals=1; plural=0;`` for an unlisted one) unless ``extra``
        gives one.
    """
    header = {
        "Project-Id-Version": "bitext",
        "PO-Revision-Date": _now(),
        "Last-Translator": "bitext (machine draft)",
        "Language-Team": "none",
        "Language": target_lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms_for(target_lang) or "nplurals=1; plural=0;",
        "X-Generator": f"bitext {_TOOLKIT_VERSION}",
        "X-Source-Language": source_lang,
    }
    for key, value in (extra or {}).items():
        header[key] = value
    return header


def _now() -> str:
    import datetime as _dt

    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")


def complete_header(header: Mapping[str, str]) -> dict[str, str]:
    """Fill gettext's required fields missing from ``header``; always UTF-8; keep the given order.

    A header with a ``Language`` is a reviewed file's (or ours): only missing
    :data:`REQUIRED_HEADER_FIELDS` are added at the end (``Plural-Forms`` from the language when
    it is known), so its header round-trips unchanged and no source language is invented. A header
    without ``Language`` is one the caller builds from scratch (shared/cases/b07): it gets the
    toolkit's own defaults (vi→en, ``X-Generator``), as :func:`po_header` writes them.
    """
    out = dict(header)
    language = str(out.get("Language", "")).strip()
    if not language:
        defaults = po_header(out.get("X-Source-Language", "") or "vi", "en")
        for key in REQUIRED_HEADER_FIELDS + ("X-Generator", "X-Source-Language"):
            if not str(out.get(key, "")).strip():
                out[key] = defaults[key]
        ordered = {k: out[k] for k in defaults if k in out}
        ordered.update({k: v for k, v in out.items() if k not in ordered})
        out = ordered
    else:
        defaults = po_header("", language)
        for key in REQUIRED_HEADER_FIELDS:
            if str(out.get(key, "")).strip():
                continue
            if key == "Plural-Forms":
                forms = plural_forms_for(language)
                if forms:
                    out[key] = forms
                continue
            out[key] = defaults[key]
    out["Content-Type"] = "text/plain; charset=UTF-8"  # we always write UTF-8
    out["Content-Transfer-Encoding"] = "8bit"
    return out


def header_text(header: Mapping[str, str]) -> str:
    """The header entry's msgstr (``Name: value\\n`` lines).

    Raises:
        FormatError: a field name with a newline or colon, or a value with a newline.
    """
    for key, value in header.items():
        if "\n" in key or ":" in key or "\n" in str(value):
            raise FormatError(f"header field {key!r} cannot contain a newline or a colon in its name")
    return "".join(f"{k}: {v}\n" for k, v in header.items())
