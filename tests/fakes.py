"""Deterministic stand-in engines for pipeline tests (the real engine is tested on the tiny model).

``EchoEngine`` "translates" by copying its input, so protected glossary spans survive and the
success path is exercised; it records every text it was asked to translate. It is a test double,
never presented as a translation.
"""
from __future__ import annotations

from typing import Callable, Sequence

from toolkit.mt.settings import EngineSettings
from toolkit.types import Hypothesis


class EchoEngine:
    """Engine protocol (toolkit.mt.translator.Engine) that returns its input.

    Args:
        max_input_tokens: the pretend position limit; tokens are whitespace words + ``</s>``.
        rewrite: optional function applied to each output (to simulate loops, losses...).
    """

    model_id = "echo"
    settings = EngineSettings("echo", "cpu", "exact", 1, "echo")

    def __init__(self, max_input_tokens: int = 512, rewrite: Callable[[str, int], str] | None = None):
        self.max_input_tokens = max_input_tokens
        self.rewrite = rewrite
        self.seen: list[str] = []
        self.calls: list[dict] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def generate(self, texts, *, n_best=1, no_repeat_ngram_size=0):
        texts = list(texts)
        if any(n > self.max_input_tokens for n in self.count_tokens(texts)):
            raise IndexError("index out of range in self")  # what an over-long input does to Marian
        self.seen.extend(texts)
        self.calls.append({"texts": texts, "n_best": n_best, "no_repeat_ngram_size": no_repeat_ngram_size})
        out = []
        for t in texts:
            text = self.rewrite(t, no_repeat_ngram_size) if self.rewrite else t
            out.append([Hypothesis(text, -0.1 * (k + 1)) for k in range(n_best)])
        return out
