"""Shared fixtures: the tiny random-weight MarianMT checkpoint, built once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "seeds" / "000_94a404d477b589ad.txt"


@pytest.fixture(scope="session")
def seed_article() -> Path:
    """The bundled seed article (Border Guard newspaper, 28/2/2024)."""
    return SEED


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A random-weight MarianMT checkpoint in opus-mt layout (see toolkit.testing.marian_builder)."""
    from toolkit.testing.marian_builder import SAMPLE_EN, SAMPLE_VI, build_marian_checkpoint, sentence_lines

    # SAMPLE_VI is the builder's packaged copy of the seed article: the same checkpoint as
    # `python -m toolkit.testing.marian_builder DIR` builds by default.
    vi = sentence_lines(SAMPLE_VI.read_text(encoding="utf-8"))
    en = sentence_lines(SAMPLE_EN.read_text(encoding="utf-8"))
    return build_marian_checkpoint(tmp_path_factory.mktemp("tiny-marian"), vi, en, arch="tiny", fit_steps=120)
