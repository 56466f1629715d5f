"""Run the ``bitext`` CLI in a subprocess with the echo engine instead of a model (tests only).

Usage: ``python tests/hostile_runner.py translate ARTICLE... -o OUT --model echo``

``toolkit.mt.translator.load_engine`` is replaced by :class:`fakes.EchoEngine`, so the CLI, pipeline,
atomic writes and exit codes run for real in their own process (which a test can kill) without a
model. Environment variables, read only here:

* ``HOSTILE_SEEN_LOG``: append every text the engine is asked to translate, one JSON string a line
  (to prove which segments were re-translated after a resume);
* ``HOSTILE_BLOCK_ON``: when a text containing this marker reaches the engine, create the file named
  by ``HOSTILE_BLOCKED_FLAG`` and sleep until killed (a deterministic "midway" for kill tests);
* ``HOSTILE_LOOP``: ``1`` makes every draft a repetition loop, also on retry (b10 → flagged).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import toolkit.mt.translator  # noqa: E402
from fakes import EchoEngine  # noqa: E402
from toolkit.cli.app import main  # noqa: E402


class RecordingEchoEngine(EchoEngine):
    """EchoEngine that logs, blocks or loops as the environment asks (see the module docstring)."""

    def generate(self, texts, *, n_best=1, no_repeat_ngram_size=0):
        texts = list(texts)
        log = os.environ.get("HOSTILE_SEEN_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as f:
                f.writelines(json.dumps(t, ensure_ascii=False) + "\n" for t in texts)
        marker = os.environ.get("HOSTILE_BLOCK_ON")
        if marker and any(marker in t for t in texts):
            Path(os.environ["HOSTILE_BLOCKED_FLAG"]).touch()
            while True:  # killed here by the test
                time.sleep(60)
        return super().generate(texts, n_best=n_best, no_repeat_ngram_size=no_repeat_ngram_size)


def _engine_factory():
    rewrite = None
    if os.environ.get("HOSTILE_LOOP") == "1":
        rewrite = lambda text, no_repeat: "and the " * 40  # noqa: E731  (loops even when retried)
    return RecordingEchoEngine(rewrite=rewrite)


toolkit.mt.translator.load_engine = lambda model, **kwargs: _engine_factory()

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
