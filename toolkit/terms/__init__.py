"""Terminology stage: the term base (:mod:`.termbase` and its one-job modules) and its enforcement
around MT (:mod:`.enforce`). ``from toolkit.terms import Glossary`` is the public entry point."""
from toolkit.terms.model import TermEntry
from toolkit.terms.termbase import Glossary, LintReport, lint_glossary

__all__ = ["Glossary", "LintReport", "TermEntry", "lint_glossary"]
