"""Build a random-weight MarianMT checkpoint locally, in the opus-mt file layout.

No model hub is reachable here, so tests and benchmarks run the *real* loading and generation code
(``MarianTokenizer``/``MarianMTModel.from_pretrained(dir)``) on a checkpoint made on the spot:
``config.json``, ``generation_config.json``, ``model.safetensors``, ``source.spm``, ``target.spm``,
``vocab.json``, ``tokenizer_config.json`` — the files of ``Helsinki-NLP/opus-mt-vi-en``.

Its outputs are not translations: with random weights the model babbles until the length cap, so
for tests it can be briefly fitted (``fit_steps``) on deliberately *unaligned* Vietnamese/English
line pairs, after which it emits English-like strings of realistic length and stops. It exists to
exercise code paths (tokenizer, batching, beams, n-best, length caps), never to be presented as
a translation.

Training text shipped as package data (so the builder works from any folder and from a wheel):
``data/vi_sample.txt`` is a copy of the seed article ``seeds/000_94a404d477b589ad.txt`` (Border Guard
newspaper, 28/2/2024); ``data/en_sample.txt`` is unaligned English prose of the same domain.

Architectures (source: ``shared/NOTES-marian.md``, read off opus-mt-vi-en's config.json):
    ``opus-mt-vi-en``: d_model 512, 6+6 layers, 8 heads, FFN 2048, swish, sinusoidal positions
    (max 512), scaled embeddings, shared and tied embeddings, vocab 53,739 (``<pad>`` last).
    ``tiny``: the same wiring at d_model 32, 2+2 layers, 2 heads, FFN 64 (≈ 0.1 M parameters).
"""
from __future__ import annotations

import hashlib
import io
import json
import random
from pathlib import Path
from typing import Iterable, Sequence

ARCHS = {
    "tiny": dict(d_model=32, layers=2, heads=2, ffn=64, vocab_size=None),
    "opus-mt-vi-en": dict(d_model=512, layers=6, heads=8, ffn=2048, vocab_size=53739),
}


def _train_spm(lines: Sequence[str], vocab_size: int) -> bytes:
    """Train a unigram SentencePiece model on ``lines``; returns the serialized model.

    Word-shuffled copies are added, since a unigram model trained on one short article stops near
    340 pieces and splits syllables into letters (shared/NOTES-marian.md).
    """
    import sentencepiece as spm

    rng = random.Random(0)
    corpus = [ln for ln in lines if ln.strip()]
    augmented = list(corpus)
    for _ in range(8):
        for ln in corpus:
            words = ln.split()
            rng.shuffle(words)
            augmented.append(" ".join(words))
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(augmented), model_writer=buf, vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
        unk_id=1, bos_id=-1, eos_id=0, pad_id=-1, unk_piece="<unk>", eos_piece="</s>",
        minloglevel=2, num_threads=1,
    )
    return buf.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def build_marian_checkpoint(out_dir: str | Path, source_texts: Iterable[str], target_texts: Iterable[str],
                            *, arch: str = "tiny", spm_vocab_size: int = 600, num_beams: int = 4,
                            seed: int = 0, fit_steps: int = 0) -> Path:
    """Write a random-weight MarianMT checkpoint in the opus-mt layout to ``out_dir``.

    Args:
        out_dir: folder to create (parents too); existing files in it are overwritten (the command
            line refuses a non-empty folder it did not build; see :func:`built_by_us`).
        source_texts: Vietnamese lines to train ``source.spm`` on.
        target_texts: English lines to train ``target.spm`` on.
        arch: ``"tiny"`` for tests or ``"opus-mt-vi-en"`` for benchmarks (see module docstring).
        spm_vocab_size: requested pieces per SentencePiece model (a soft limit).
        num_beams: the checkpoint's default beam size, saved in ``generation_config.json``
            (opus-mt-vi-en ships 6).
        seed: torch seed for the random weights (same seed → same checkpoint).
        fit_steps: AdamW steps (batch 16) on unaligned (source line i, target line i mod n) pairs, so
            that generation ends at realistic lengths; 0 keeps the random weights (benchmarks force
            their output lengths instead). About 40 steps/s for ``tiny`` on 2 CPU cores.

    Returns:
        The checkpoint folder (with a :data:`MARKER` file naming how it was built), loadable with ``MarianMTModel.from_pretrained`` and
        ``MarianTokenizer.from_pretrained``.

    Raises:
        KeyError: unknown ``arch``.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    spec = ARCHS[arch]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    source_texts_l = [t for t in source_texts if t.strip()]
    target_texts_l = [t for t in target_texts if t.strip()]
    src_model = _train_spm(source_texts_l, spm_vocab_size)
    tgt_model = _train_spm(target_texts_l, spm_vocab_size)
    (out / "source.spm").write_bytes(src_model)
    (out / "target.spm").write_bytes(tgt_model)

    # One joint vocabulary as in opus-mt: </s>=0, <unk>=1, pieces of both models, <pad> last.
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _pieces(src_model) + _pieces(tgt_model):
        vocab.setdefault(piece, len(vocab))
    if spec["vocab_size"]:
        for i in range(len(vocab), spec["vocab_size"] - 1):  # pad to the real vocab size
            vocab[f"<unused{i}>"] = i
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=0), encoding="utf-8")
    (out / "tokenizer_config.json").write_text(json.dumps({
        "source_lang": "vi", "target_lang": "en", "model_max_length": 512, "separate_vocabs": False,
        "tokenizer_class": "MarianTokenizer", "unk_token": "<unk>", "eos_token": "</s>", "pad_token": "<pad>",
    }, indent=2), encoding="utf-8")

    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), d_model=spec["d_model"],
        encoder_layers=spec["layers"], decoder_layers=spec["layers"],
        encoder_attention_heads=spec["heads"], decoder_attention_heads=spec["heads"],
        encoder_ffn_dim=spec["ffn"], decoder_ffn_dim=spec["ffn"], activation_function="swish",
        max_position_embeddings=512, scale_embedding=True, share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True, normalize_before=False, static_position_embeddings=True,
        pad_token_id=pad_id, eos_token_id=0, decoder_start_token_id=pad_id, forced_eos_token_id=0,
        dropout=0.1, attention_dropout=0.0, activation_dropout=0.0, init_std=0.02,
        architectures=["MarianMTModel"],
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    if fit_steps:
        _fit(model, out, list(source_texts_l), list(target_texts_l), fit_steps, seed)
        with torch.no_grad():  # fitting trains <pad> through the tied output layer; CTranslate2
            model.get_input_embeddings().weight[pad_id].zero_()  # starts decoding from a zero vector
    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    GenerationConfig(
        num_beams=num_beams, max_length=512, bad_words_ids=[[pad_id]], forced_eos_token_id=0,
        pad_token_id=pad_id, eos_token_id=0, decoder_start_token_id=pad_id,
    ).save_pretrained(out)
    (out / MARKER).write_text(json.dumps({
        "builder": __name__, "builder_sha256": builder_checksum(), "arch": arch, "seed": seed,
        "fit_steps": fit_steps, "spm_vocab_size": spm_vocab_size, "num_beams": num_beams,
        "note": "random-weight test checkpoint: its outputs are not translations",
    }, indent=2) + "\n", encoding="utf-8")
    return out


MARKER = "bitext-test-checkpoint.json"


def builder_checksum() -> str:
    """SHA-256 (hex) of this module's source: a cached checkpoint built by other code is stale."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def built_by_us(folder: str | Path) -> bool:
    """True when ``folder`` holds a checkpoint this builder wrote (its :data:`MARKER` file names it)."""
    try:
        info = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("builder") == __name__


def _fit(model, folder: Path, sources: list[str], targets: list[str], steps: int, seed: int) -> None:
    """Fit ``model`` briefly on unaligned pairs (see ``fit_steps``); the tokenizer is read from ``folder``."""
    import torch
    from transformers import MarianTokenizer

    tok = MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"))
    pairs = [(s, targets[i % len(targets)]) for i, s in enumerate(sources)]
    rng = random.Random(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        batch = rng.sample(pairs, min(16, len(pairs)))
        enc = tok([s for s, _ in batch], text_target=[t for _, t in batch], return_tensors="pt",
                  padding=True, truncation=True, max_length=128)
        labels = enc["labels"]
        labels[labels == tok.pad_token_id] = -100
        loss = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], labels=labels).loss
        opt.zero_grad()
        loss.backward()
        opt.step()


DATA = Path(__file__).resolve().parent / "data"
SAMPLE_VI = DATA / "vi_sample.txt"
SAMPLE_EN = DATA / "en_sample.txt"


def sentence_lines(text: str) -> list[str]:
    """Lines of ``text`` with sentence-final ``. `` also breaking, as SentencePiece training input."""
    return [ln for ln in text.replace(". ", ".\n").splitlines() if ln.strip()]


def main(argv: list[str] | None = None) -> int:
    """``python -m toolkit.testing.marian_builder OUT_DIR``: build the tiny test checkpoint.

    For trying the toolkit where the real model cannot be downloaded. Its drafts are not
    translations (see the module docstring). Works from any folder: the default training texts are
    package data. Refuses (exit 1) an existing non-empty ``OUT_DIR`` that is not a checkpoint it
    built, unless ``--force``; a missing or unreadable ``--vi``/``--en`` file is one error line.
    """
    import argparse
    import sys

    ap = argparse.ArgumentParser(prog="python -m toolkit.testing.marian_builder", description=main.__doc__)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--vi", type=Path, default=SAMPLE_VI,
                    help="Vietnamese training text for source.spm (default: a copy of the seed article)")
    ap.add_argument("--en", type=Path, default=SAMPLE_EN, help="English training text for target.spm")
    ap.add_argument("--arch", choices=sorted(ARCHS), default="tiny")
    ap.add_argument("--fit-steps", type=int, default=120)
    ap.add_argument("--force", action="store_true", help="Write into OUT_DIR even if it holds other files.")
    a = ap.parse_args(argv)
    prog = ap.prog
    out_dir: Path = a.out_dir
    if out_dir.exists() and not out_dir.is_dir():
        print(f"{prog}: error: {out_dir}: exists and is not a folder", file=sys.stderr)
        return 1
    if out_dir.is_dir() and any(out_dir.iterdir()) and not built_by_us(out_dir) and not a.force:
        print(f"{prog}: error: {out_dir}: folder is not empty and holds no checkpoint built by this tool; "
              "choose a new folder or pass --force to write into it", file=sys.stderr)
        return 1
    texts = []
    for path in (a.vi, a.en):
        try:
            texts.append(sentence_lines(path.read_text(encoding="utf-8")))
        except OSError as e:
            print(f"{prog}: error: {path}: {e.strerror or e}", file=sys.stderr)
            return 1
        except UnicodeDecodeError:
            print(f"{prog}: error: {path}: not UTF-8 text", file=sys.stderr)
            return 1
    vi, en = texts
    out = build_marian_checkpoint(out_dir, vi, en, arch=a.arch, fit_steps=a.fit_steps)
    print(f"wrote a {a.arch} random-weight test checkpoint to {out} (its drafts are not translations)")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
