"""Terminology stage: the term base (:mod:`.termbase`) and its enforcement around MT (:mod:`.enforce`)."""
from toolkit.terms.termbase import Glossary, lint_glossary

__all__ = ["Glossary", "lint_glossary"]
