"""bitext toolkit: Vietnamese→English segmentation, MarianMT drafts, glossary enforcement, PO/TSV/TMX.

Stages, one module each: ``segment`` → ``glossary``/``terms`` → ``translate`` → ``formats``; ``pipeline``
wires them and ``cli`` is a thin command line over it. Heavy libraries (torch, transformers) are
imported only by ``translate`` when a model is actually loaded.
"""
__version__ = "0.1.0"
