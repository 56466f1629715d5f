"""Machine-translation stage: finding the model, engines (torch, CTranslate2), batching, checks.

:mod:`.translator` is the entry point (``load_engine``, ``Translator``); torch, transformers and
ctranslate2 are imported only when an engine is loaded.
"""
