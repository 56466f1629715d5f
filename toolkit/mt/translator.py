"""Machine translation stage: an engine behind one small interface, plus the checks around it.

:class:`Translator` turns an engine's raw ``generate`` into the toolkit's ``TranslateFn``
(``translate(texts, n_best) -> list[list[Hypothesis]]``, one list per text, best first):

* identical texts in one call are translated once;
* texts over the model's input limit are split at clause boundaries and rejoined (b09), flagged
  ``mt-split:N``; none is ever truncated silently;
* a draft that reached the output cap or loops (b10 rule, :mod:`toolkit.mt.checks`) is retried
  with ``no_repeat_ngram_size=3``; if it still fails it keeps the flag ``mt-check:…``.

Texts without letters never reach an engine: the pipeline copies them (b08).
"""
from __future__ import annotations

from typing import Protocol, Sequence

from toolkit.mt.checks import LoopCheck
from toolkit.mt.settings import EngineSettings
from toolkit.mt.split import split_for_model
from toolkit.types import Flag, Hypothesis

SAFETY_MARGIN_TOKENS = 12  # below the position limit, for tokenizer differences between chunks
RETRY_NO_REPEAT_NGRAM = 3
#: an engine's flag for an output that reached its length cap (engine_torch, engine_ct2)
LENGTH_CAP = Flag("mt-check", "length-cap")

#: Engine choices of :func:`load_engine` (and ``bitext translate --engine``).
ENGINES = ("auto", "torch", "ct2")


class Engine(Protocol):
    """What an MT engine provides (see engine_torch.TorchMarianEngine, engine_ct2.CT2MarianEngine)."""

    model_id: str
    max_input_tokens: int
    #: what the loaded engine actually runs (device, precision…), see :mod:`toolkit.mt.settings`
    settings: EngineSettings

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    # Optional: ``batches(texts) -> list[list[int]]``, the index batches ``generate`` runs, in order
    # (both engines here have it); :meth:`Translator.rounds` uses it to cut rounds at batch edges.

    def generate(self, texts: Sequence[str], *, n_best: int = 1, no_repeat_ngram_size: int = 0
                 ) -> list[list[Hypothesis]]: ...


class Translator:
    """Wraps an engine with de-duplication, long-input splitting and loop checks.

    Args:
        engine: any :class:`Engine`.
        loop_check: thresholds of the repetition check.

    Calling ``translator(texts, n_best)`` is the ``TranslateFn`` used by :mod:`toolkit.terms.enforce`.
    All texts of one call go to the engine in one ``generate`` call, which batches them by tokens:
    slicing a call by text count would leave a part-filled batch at every slice.
    """

    def __init__(self, engine: Engine, loop_check: LoopCheck | None = None):
        self.engine = engine
        self.loop_check = loop_check or LoopCheck()
        self.limit = max(8, engine.max_input_tokens - SAFETY_MARGIN_TOKENS)

    @property
    def settings(self) -> EngineSettings:
        return self.engine.settings

    def rounds(self, texts: Sequence[str], at_least: int) -> list[list[str]]:
        """Split the distinct ``texts`` into drafting rounds of whole engine batches, each of
        ≥ ``at_least`` texts (the last may hold fewer), in the engine's batch order (longest first).

        Corpus mode commits each round to the TM; a round that ended inside an engine batch would
        run that batch part-filled (the cost a 200-article corpus measured: issue 15). Rounds are
        planned on the texts as given: where placeholder masking or glossary protection changes a
        text's token count before the engine sees it, or a text is too long and is split in
        :meth:`translate`, a round may end inside a batch after all — a cost in speed only. An
        engine without ``batches`` gets rounds of exactly ``at_least`` texts.

        Raises:
            ValueError: ``at_least`` < 1.
            RuntimeError: the engine's ``batches`` does not list every text exactly once (an engine bug).
        """
        if at_least < 1:
            raise ValueError("at_least must be ≥ 1")
        texts = list(dict.fromkeys(texts))
        plan = getattr(self.engine, "batches", None)
        batches = plan(texts) if plan is not None and texts else [[i] for i in range(len(texts))]
        if sorted(i for b in batches for i in b) != list(range(len(texts))):
            raise RuntimeError(f"{type(self.engine).__name__}.batches() did not list each of {len(texts)} texts once")
        out: list[list[str]] = []
        current: list[str] = []
        for batch in batches:
            current.extend(texts[i] for i in batch)
            if len(current) >= at_least:
                out.append(current)
                current = []
        if current:
            out.append(current)
        return out

    def __call__(self, texts: Sequence[str], n_best: int = 1) -> list[list[Hypothesis]]:
        return self.translate(texts, n_best)

    def translate(self, texts: Sequence[str], n_best: int = 1) -> list[list[Hypothesis]]:
        """Translate ``texts``; returns per text up to ``n_best`` hypotheses, best first.

        Raises:
            ValueError: a text is empty or whitespace only (callers filter those, b08).
        """
        unique = list(dict.fromkeys(texts))
        if any(not t.strip() for t in unique):
            raise ValueError("empty text sent to the MT engine; filter segments without letters first")
        # Plan chunks for over-long texts.
        plans: dict[str, tuple[list[str], bool]] = {}
        lengths = self.engine.count_tokens(unique) if unique else []
        for text, n in zip(unique, lengths):
            plans[text] = split_for_model(text, self.engine.count_tokens, self.limit) if n > self.limit else ([text], False)
        chunk_texts = list(dict.fromkeys(c for chunks, _ in plans.values() for c in chunks))
        chunk_out = self._generate_checked(chunk_texts, n_best)
        results: dict[str, list[Hypothesis]] = {}
        for text, (chunks, hard) in plans.items():
            if len(chunks) == 1:
                results[text] = chunk_out[chunks[0]]
                continue
            # A split text gets one hypothesis: the best of each chunk, joined.
            best = [chunk_out[c][0] for c in chunks]
            flags = [f"mt-split:{len(chunks)}"] + (["mt-split:hard"] if hard else [])
            flags += sorted({f for h in best for f in h.flags})
            score = sum(h.score for h in best) / len(best)
            results[text] = [Hypothesis(" ".join(h.text for h in best), score, tuple(flags))]
        return [results[t] for t in texts]

    def _generate_checked(self, texts: list[str], n_best: int) -> dict[str, list[Hypothesis]]:
        if not texts:
            return {}
        out = dict(zip(texts, self.engine.generate(texts, n_best=n_best)))
        retry = [t for t in texts if self._problem(t, out[t][0])]
        if retry:
            again = self.engine.generate(retry, n_best=n_best, no_repeat_ngram_size=RETRY_NO_REPEAT_NGRAM)
            for text, hyps in zip(retry, again):
                problem = self._problem(text, hyps[0])
                tag = ("mt-retried:no-repeat-ngram",) + ((f"mt-check:{problem}",) if problem else ())
                out[text] = [Hypothesis(h.text, h.score, tuple(dict.fromkeys(h.flags + tag))) for h in hyps]
        return out

    def _problem(self, source: str, hyp: Hypothesis) -> str | None:
        if LENGTH_CAP in map(Flag.parse, hyp.flags):
            return LENGTH_CAP.detail
        return self.loop_check.problem(source, hyp.text)


def resolve_engine(model: str, engine: str = "auto") -> str:
    """The engine :func:`load_engine` will use, decided without loading anything.

    Returns:
        ``"torch"``, or ``"ct2:<folder>"`` naming the converted model folder (e.g.
        ``ct2:ctranslate2-int8``) — part of the draft-cache key, so drafts of one engine are
        never served for another.

    Raises:
        UsageError: unknown engine, or ``ct2`` without CTranslate2 installed.
    """
    from importlib.util import find_spec

    from toolkit.errors import UsageError

    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r} (choose {', '.join(ENGINES)})")
    if engine == "torch":
        return "torch"
    have_ct2 = find_spec("ctranslate2") is not None
    if engine == "ct2" and not have_ct2:
        raise UsageError("--engine ct2 needs CTranslate2: pip install .[fast]")
    if have_ct2:
        from toolkit.mt.engine_ct2 import converted_model_for

        converted = converted_model_for(model)
        if converted is not None:
            return f"ct2:{converted.name}"
        if engine == "ct2":
            return "ct2"  # the engine itself names the missing conversion
    return "torch"


def load_engine(model: str, *, engine: str = "auto", device: str = "auto", beams: int = 4,
                max_batch_tokens: int | None = None, quantize: str | None = None, threads: int | None = None) -> Engine:
    """Load an MT engine for ``model`` (hub id or local folder).

    Args:
        engine: ``"torch"`` (default engine), ``"ct2"`` (CTranslate2, needs ``pip install .[fast]``
            and a converted model), or ``"auto"`` (CTranslate2 when a converted model is present,
            see :func:`resolve_engine`).
        device, beams, max_batch_tokens, quantize: see :class:`toolkit.mt.engine_torch.TorchMarianEngine`.
        threads: CPU threads of the engine (default: the CPUs this process may use); a Ray actor
            passes its ``num_cpus`` so that actors sharing a node do not oversubscribe it.

    Raises:
        ModelUnavailableError: the model cannot be found or loaded.
        UsageError: unknown engine or device.
    """
    if resolve_engine(model, engine).startswith("ct2"):
        from toolkit.mt import engine_ct2

        return engine_ct2.CT2MarianEngine(model, device=device, beams=beams, max_batch_tokens=max_batch_tokens,
                                          threads=threads)
    from toolkit.mt.engine_torch import TorchMarianEngine

    return TorchMarianEngine(model, device=device, beams=beams, max_batch_tokens=max_batch_tokens, quantize=quantize,
                             threads=threads)
