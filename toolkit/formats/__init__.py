"""Bilingual file formats, one module each, reader and writer side by side: po, tsv, tmx, moses."""

#: Corpus formats ``bitext export --to`` writes (see :mod:`toolkit.workflow.export`); kept here,
#: free of imports, so the command line takes its choices from the library without loading lxml.
EXPORT_FORMATS = ("tsv", "tmx", "moses")
