"""What produced a PO file's drafts, and whether they are still current.

The PO header records the provenance of its drafts: ``X-Source-Checksum`` (the article),
``X-MT-Model``, ``X-MT-Settings`` (:meth:`toolkit.mt.settings.EngineSettings.key`) and
``X-Glossary-Checksum``. The same three run fields form the draft-cache context of the translation
memory, so a cached draft is served only to the configuration that made it.

Settings come from the **loaded engine** (:class:`RunSettings`): until a run needs the model it
decides with the prediction :func:`toolkit.mt.settings.plan_settings` (skip an article, look up
cached drafts); once the engine is loaded, its own ``settings`` are what the header and the cache
key record. When the two differ (``--device auto`` on a GPU the prediction could not see), the
run switches to the engine's value and looks every unfinished article up again under it, so a
draft cached under the prediction is never written under the engine's name (nor the reverse).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from toolkit.mt.settings import EngineSettings

SOURCE_LANG, TARGET_LANG = "vi", "en"

# Header fields that record what produced the drafts; a file whose fields all match is up to date.
H_SOURCE = "X-Source-Checksum"
H_MODEL = "X-MT-Model"
H_SETTINGS = "X-MT-Settings"
H_GLOSSARY = "X-Glossary-Checksum"
PROVENANCE_FIELDS = (H_SOURCE, H_MODEL, H_SETTINGS, H_GLOSSARY)
# Header fields a reviewer or their editor owns; a re-run keeps them (Poedit/Weblate fill them in).
REVIEWER_FIELDS = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "Last-Translator",
                   "Language-Team")
# A header longer than this many lines is not one of ours: read the file fully instead.
_HEADER_MAX_LINES = 64


@dataclass
class RunSettings:
    """The run's engine settings: the prediction until the engine is loaded, then the engine's.

    Attributes:
        planned: :func:`toolkit.mt.settings.plan_settings` for the run's options.
        actual: ``engine.settings`` once an engine was loaded (locally or in a Ray actor).
    """

    planned: EngineSettings
    actual: EngineSettings | None = None

    @property
    def current(self) -> EngineSettings:
        return self.actual or self.planned

    def key(self) -> str:
        return self.current.key()

    def accepts(self, recorded: str | None) -> bool:
        """Whether drafts recorded under ``recorded`` count as made by this run's configuration."""
        return recorded == self.key() or (self.actual is None and recorded == self.planned.key())


def draft_context(model: str | None, settings: str | None, glossary_checksum: str | None) -> str:
    """The draft-cache context (part of :func:`toolkit.workflow.tm.draft_key`): model, settings, glossary."""
    return f"{model}|{settings}|glossary={glossary_checksum}"


def header_context(header: Mapping[str, str]) -> str:
    """The draft-cache context recorded in a PO header."""
    return draft_context(header.get(H_MODEL), header.get(H_SETTINGS), header.get(H_GLOSSARY))


def article_fields(stem: str, model: str, settings: str, glossary_checksum: str, source_checksum: str) -> dict[str, str]:
    """Our header fields for an article (on top of :func:`toolkit.formats.po.po_header`'s)."""
    from toolkit import __version__

    return {"Project-Id-Version": stem, "X-Toolkit-Version": __version__, H_MODEL: model, H_SETTINGS: settings,
            H_GLOSSARY: glossary_checksum, H_SOURCE: source_checksum}


class SourceHash:
    """``X-Source-Checksum``: first 16 hex digits of the SHA-256 of the article's NFC lines.

    Feed it lines while they stream to the segmenter (:meth:`wrap`), or hash a file alone
    (:func:`file_checksum`) for the up-to-date check.
    """

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def wrap(self, lines):
        for line in lines:
            self._h.update(line.encode("utf-8"))
            yield line

    def hexdigest(self) -> str:
        return self._h.hexdigest()[:16]


def file_checksum(path: Path) -> str:
    """The source checksum of an article file (decoded and NFC-normalised as the segmenter reads it).

    Raises:
        InputError: the file cannot be decoded.
    """
    from toolkit.text.decode import iter_lines

    h = SourceHash()
    for _ in h.wrap(iter_lines(path)):
        pass
    return h.hexdigest()


def read_header(po_path: Path) -> dict[str, str] | None:
    """The header fields of a PO file, reading only its first entry (not the whole file).

    Returns:
        ``{field: value}``, or None when the file is missing, not UTF-8, or does not start with a
        header entry of at most a few dozen lines (a caller then reads the file fully).
    """
    try:
        f = po_path.open(encoding="utf-8")
    except OSError:
        return None
    strings: list[str] = []
    in_msgstr = False
    try:
        with f:
            for n, line in enumerate(f):
                line = line.strip()
                if n > _HEADER_MAX_LINES:
                    return None
                if not line:
                    if in_msgstr:
                        break
                    continue
                if line.startswith("#"):
                    if in_msgstr:
                        break
                    continue
                if line.startswith("msgid "):
                    if line != 'msgid ""':
                        return None
                elif line.startswith("msgstr "):
                    in_msgstr = True
                    strings.append(line[7:])
                elif line.startswith('"') and in_msgstr:
                    strings.append(line)
                elif line.startswith('"'):
                    if line != '""':
                        return None    # a msgid continued: the first entry is not the header
                else:
                    break
    except UnicodeDecodeError:
        return None
    if not in_msgstr:
        return None
    text = "".join(_unquote(s) for s in strings)
    fields = {}
    for row in text.split("\n"):
        key, sep, value = row.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def _unquote(s: str) -> str:
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        return ""
    body, out, i = s[1:-1], [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def is_current(recorded: Mapping[str, str] | None, expected: Mapping[str, str], settings: RunSettings) -> bool:
    """Whether a PO header records the expected source, model and glossary, and settings this run accepts."""
    if recorded is None:
        return False
    return (all(recorded.get(k) == expected[k] for k in (H_SOURCE, H_MODEL, H_GLOSSARY))
            and settings.accepts(recorded.get(H_SETTINGS)))


def outputs_untouched(po: Path, tsv: Path) -> bool:
    """The TSV was written after the PO (as we write them): nobody saved the PO since."""
    try:
        return tsv.stat().st_mtime_ns >= po.stat().st_mtime_ns
    except OSError:
        return False


def merged_header(old: Mapping[str, str], ours: Mapping[str, str]) -> dict[str, str]:
    """Our header fields over the existing ones, keeping fields the reviewer owns and unknown ones."""
    merged = dict(old)
    for key, value in ours.items():
        if key in REVIEWER_FIELDS and old.get(key, "").strip():
            continue
        merged[key] = value
    return merged


def same_header(old: Mapping[str, str], new: Mapping[str, str]) -> bool:
    """Equal apart from the revision date."""
    skip = {"PO-Revision-Date"}
    return {k: v for k, v in old.items() if k not in skip} == {k: v for k, v in new.items() if k not in skip}
