"""Text layer: reading articles (:mod:`.decode`), safe file I/O (:mod:`.files`), Vietnamese matching keys (:mod:`.keys`).

Imports only :mod:`toolkit.types` and :mod:`toolkit.errors`; every stage builds on it.
"""
