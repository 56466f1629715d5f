"""Options of one ``bitext translate`` run, and the checks on them that need no model."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.mt.model_source import DEFAULT_MODEL

DEFAULT_GLOSSARY = Path(__file__).resolve().parent.parent / "data" / "vi-en.tsv"  # package data; glossary/vi-en.tsv links here


@dataclass
class RunOptions:
    """Options of one ``bitext translate`` run (CLI flags mirror these names).

    Attributes:
        model: hub id or local checkpoint folder.
        engine, device, beams, max_batch_tokens, quantize: see :func:`toolkit.mt.translator.load_engine`;
            ``quantize`` None means the torch engine's default, and any other value is refused
            when the run resolves to CTranslate2 (its precision is the converted model's).
        glossary: term base file, or None for none.
        tm: translation-memory file; None = ``OUTDIR/.bitext-tm.sqlite``.
        use_tm: read and write the translation memory.
        update: an existing PO to merge into (single input only); default ``OUTDIR/<stem>.po``.
        force: replace a TSV that bitext did not write.
        ray: run on Ray (:mod:`toolkit.workflow.ray_corpus`): ``"auto"`` joins ``RAY_ADDRESS`` or
            starts a local instance, ``"local"`` always starts one, else a cluster address; None: this process.
        ray_actors: drafting actors (each loads the engine once); ray_threads: torch threads per CPU
            actor; ray_gpus: GPUs per actor (0 = CPU actors).
    """

    model: str = DEFAULT_MODEL
    engine: str = "auto"
    device: str = "auto"
    beams: int = 4
    max_batch_tokens: int | None = None
    quantize: str | None = None  # None: the torch engine's default (int8)
    glossary: Path | None = DEFAULT_GLOSSARY
    tm: Path | None = None
    use_tm: bool = True
    update: Path | None = None
    force: bool = False
    ray: str | None = None
    ray_actors: int = 2
    ray_threads: int = 1
    ray_gpus: float = 0

    def quantize_or_default(self) -> str:
        from toolkit.mt.precision import DEFAULT_QUANTIZE

        return self.quantize or DEFAULT_QUANTIZE

    def check(self) -> None:
        """Refuse options that contradict each other, before anything is read or loaded.

        Raises:
            UsageError: ``--quantize`` with a run that uses CTranslate2 (it would be silently
                ignored); ``auto`` fits any engine.
        """
        if self.quantize in (None, "auto"):
            return
        from toolkit.mt.translator import resolve_engine

        engine = resolve_engine(self.model, self.engine)
        if engine.startswith("ct2"):
            where = f"the converted model {engine[4:]} of {self.model}" if ":" in engine else "CTranslate2"
            raise UsageError(f"--quantize {self.quantize} applies to the torch engine, but this run uses "
                             f"{where}; add --engine torch, or leave out --quantize")
