"""bitext toolkit: Vietnamese→English segmentation, MarianMT drafts, term-base enforcement, PO/TSV/TMX.

One package per stage — ``segment`` → ``terms`` → ``mt`` → ``formats`` — on top of ``text`` (decoding,
safe files, matching keys) and ``types``/``errors``; ``workflow`` wires the stages and ``cli`` is a thin
command line over it. The public API below is imported lazily, so ``import toolkit`` (and
``bitext segment``) never loads torch or transformers.

Public API (what README.md documents):
    segment_text(text, doc_id="") -> list[Segment]
    Glossary.load(path) -> Glossary;  Glossary.match(text) -> list[TermMatch]
    RunOptions(...);  translate_files(inputs, out_dir, options) -> run report
    export_po(...), render_po(...), score_po(...)
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    "Segment": "toolkit.types",
    "Unit": "toolkit.types",
    "Status": "toolkit.types",
    "segment_text": "toolkit.segment",
    "Glossary": "toolkit.terms",
    "RunOptions": "toolkit.workflow.pipeline",
    "translate_files": "toolkit.workflow.pipeline",
    "export_po": "toolkit.workflow.export",
    "render_po": "toolkit.workflow.render",
    "score_po": "toolkit.workflow.score",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    """Import a public name on first use (PEP 562), keeping ``import toolkit`` light."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
