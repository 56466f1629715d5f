"""Translation throughput, side by side (issue 6): ``python bench/bench_translate.py [--quick]``.

What it does, all in one run so that only ratios measured together are compared:

1. Builds (once, cached in ``bench/_work/``) a random-weight MarianMT checkpoint with the exact
   opus-mt-vi-en architecture (d_model 512, 6+6 layers, 8 heads, FFN 2048, vocab 53,739;
   :mod:`toolkit.testing.marian_builder`) and converts it to CTranslate2 int8 with our
   ``convert_model``. ``</s>`` is banned through ``final_logits_bias`` (which CTranslate2's converter
   carries over), so no variant can stop early: every text generates exactly
   ``int(1.2 × source tokens)`` tokens, the last one the forced ``</s>`` — equal work for all.
2. Takes the first ``--sentences`` sentences of the seed article (segments, long ones cut at commas
   to ≤ 60 syllables: 35 pieces of 1–60 syllables).
3. Runs each variant in a fresh worker process (NOTES-marian.md: torch's and CTranslate2's thread
   pools in one process slow each other 1.2–10×), in rotated order, ``--repeats`` times, and takes
   the median seconds (model loading and one warm-up call on the first sentence excluded; peak RSS
   includes them):

   - ``naive``: transformers ``generate`` one sentence at a time (the baseline);
   - ``torch``: our TorchMarianEngine as shipped (``quantize="auto"``: the precision this CPU
     gets by default, named in the output; token-budgeted batches);
   - ``torch-int8-int_mm`` / ``torch-int8-fbgemm`` / ``torch-int8-fbgemm-vnni`` / ``torch-bf16`` /
     ``torch-fp32``: the same with ``--quantize`` and the int8 kernel forced (the one ``auto`` picks
     is left out: it is ``torch``; so is ``fbgemm-vnni`` without AVX-512 VNNI, where it runs as
     ``int_mm``): which one is fastest on a new CPU is measured here, not assumed;
   - ``ct2-bare-B``: bare ``ctranslate2.Translator.translate_batch`` on length-sorted chunks of B
     sentences (its best use: one call per chunk, cap from the chunk's longest);
   - ``ct2``: our CT2MarianEngine as shipped;
   - ``tm-first`` / ``tm-rerun``: ``translate_files`` (the ``bitext translate`` pipeline, torch
     engine, no glossary) on the sentences as an article with a fresh translation memory, then
     again with the PO/TSV outputs deleted so every draft must come from the memory; seconds of
     the ``translate_files`` call, and whether torch was imported at all.

Equal, counted work (issue 11): every worker counts the output tokens it actually produced, per
text up to that text's forced length (``</s>`` included), and the run fails (exit 1, "UNEQUAL
WORK", after the table) when a variant's count differs from the forced total by more than 1 %. CTranslate2 has one ``max_decoding_length`` per
call, so with ``</s>`` banned it decodes every text of a call to the call's longest cap; those
extra tokens are batch padding, as are a torch batch's finished rows (transformers keeps computing
them until the batch's longest cap): both are counted as ``decoded`` but not as output. The
pipeline's retry of drafts that hit the length cap (``no_repeat_ngram_size``) is disabled for
``tm-first``, since here every draft runs to its cap by construction and the retry would do the
MT twice; the run says so. The header names the CPU (model, ISA flags, usable cores), and each
variant also reports minor page faults and involuntary context switches (what a swing between
rounds would come from).

The cached model's folder name carries a hash of the builder's source (``marian_builder.py`` and
:func:`build_model`), so a changed builder builds a new model instead of reusing a stale one.

Its last line is ``ratios: torch_vs_naive=X ct2_vs_naive=Y ct2_overhead=Z tm_rerun_speedup=W``
(``ct2_overhead`` = our CT2 engine's seconds / bare CTranslate2's at its best batch size).
Not part of the test suite; ``--quick`` (8 sentences, 1 repeat) checks that it runs. One file of
~400 lines on purpose: each worker is this same script re-run with ``--worker``.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work"
SEED = ROOT / "seeds" / "000_94a404d477b589ad.txt"
OUTPUT_RATIO = 1.2  # forced output tokens per source token (issue 6)
BARE_BATCH_SIZES = (4, 8, 16)


def bench_sentences(n: int | None, max_syllables: int = 60) -> list[str]:
    """The first ``n`` (None: all) sentences of the seed article: segments with letters, cut at ', '
    to ≤ ``max_syllables`` syllables. Also bench_corpus.py's sentence source."""
    from toolkit.mt.checks import has_letters
    from toolkit.segment.segmenter import segment_text

    out: list[str] = []
    for seg in segment_text(SEED.read_text(encoding="utf-8")):
        if not has_letters(seg.text):
            continue
        cur: list[str] = []
        for part in seg.text.split(", "):
            if cur and len(" ".join(cur + [part]).split()) > max_syllables:
                out.append(", ".join(cur))
                cur = []
            cur.append(part)
        out.append(", ".join(cur))
    return out[:n]


def builder_hash() -> str:
    """12 hex digits of SHA-256 over the checkpoint builder's source and :func:`build_model`'s."""
    import hashlib
    import inspect

    import toolkit.testing.marian_builder as mb

    h = hashlib.sha256(Path(mb.__file__).read_bytes())
    h.update(inspect.getsource(build_model).encode())
    return h.hexdigest()[:12]


def default_model_dir() -> Path:
    """``bench/_work/opus-mt-vi-en-bench-<builder hash>``: rebuilt whenever the builder changes."""
    return WORK / f"opus-mt-vi-en-bench-{builder_hash()}"


def build_model(path: Path) -> Path:
    """The exact-architecture random checkpoint with ``</s>`` banned, plus its CTranslate2 int8 copy."""
    if (path / "ctranslate2-int8" / "model.bin").is_file():
        return path
    from safetensors.torch import load_file, save_file

    from toolkit.mt.engine_ct2 import convert_model
    from toolkit.testing.marian_builder import SAMPLE_EN, build_marian_checkpoint, sentence_lines

    vi = sentence_lines(SEED.read_text(encoding="utf-8"))
    en = sentence_lines(SAMPLE_EN.read_text(encoding="utf-8"))
    build_marian_checkpoint(path, vi, en, arch="opus-mt-vi-en", num_beams=6)
    weights = path / "model.safetensors"
    state = load_file(str(weights))
    state["final_logits_bias"][..., 0] = -1e4  # </s> (id 0) never chosen: every output runs to its cap
    save_file(state, str(weights), metadata={"format": "pt"})
    convert_model(str(path), quantization="int8", force=True)
    return path


def _rss_mb() -> float:
    """Peak RSS of this process in MiB: VmHWM (ru_maxrss survives exec, so it would report the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: KiB


def _force_caps() -> None:
    import toolkit.mt.batching as batching

    batching.OUTPUT_CAP_RATIO = OUTPUT_RATIO
    batching.OUTPUT_CAP_SLACK_TOKENS = 0


def _usage() -> dict:
    """Minor page faults and involuntary context switches of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"minflt": ru.ru_minflt, "nivcsw": ru.ru_nivcsw}


def _count_engine_tokens(engine_cls) -> dict:
    """Wrap ``engine_cls.generate`` so that it counts the output tokens of every call.

    Counts come from the engine's own per-call tally (``engine.last_output_tokens``: generated
    tokens of each returned best hypothesis, ``</s>`` included), not from the forced lengths.
    """
    tally = {"output": 0, "decoded": 0, "calls": 0}
    original = engine_cls.generate

    def generate(self, texts, **kw):
        out = original(self, texts, **kw)
        tally["output"] += sum(self.last_output_tokens)
        tally["decoded"] += sum(self.last_decoded_tokens)
        tally["calls"] += 1
        return out

    engine_cls.generate = generate
    return tally


def worker(variant: str, model: Path, sentences: list[str], beams: int, tmp: Path) -> dict:
    """Run one variant in this process; returns its measurements, counted output tokens included."""
    _force_caps()
    from toolkit.mt.batching import output_cap
    from toolkit.mt.cpu import usable_cores

    threads = usable_cores()
    result: dict = {"variant": variant}
    decoded = None
    if variant == "naive":
        import torch
        from transformers import MarianMTModel, MarianTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        torch.set_num_threads(threads)
        tok = MarianTokenizer.from_pretrained(str(model))
        m = MarianMTModel.from_pretrained(str(model)).eval()
        pad = m.config.pad_token_id

        def naive(texts) -> int:
            n = 0
            for s in texts:
                enc = tok([s], return_tensors="pt")
                with torch.inference_mode():
                    seq = m.generate(**enc, num_beams=beams, max_new_tokens=output_cap(enc["input_ids"].shape[1]),
                                     max_length=None)
                n += int((seq[0] != pad).sum())  # generated tokens, </s> included, decoder start excluded
            return n
        naive(sentences[:1])  # warm-up
        before, t0 = _usage(), time.perf_counter()
        output = naive(sentences)
    elif variant.startswith("torch"):
        from toolkit.mt.engine_torch import TorchMarianEngine

        from toolkit.mt.precision import KERNEL_OVERRIDE

        quantize = {"torch-fp32": "none", "torch-bf16": "bf16"}.get(variant, "auto")
        if variant.startswith("torch-int8-"):   # torch-int8-<kernel>
            quantize, os.environ[KERNEL_OVERRIDE] = "int8", variant.removeprefix("torch-int8-")
        engine = TorchMarianEngine(str(model), device="cpu", beams=beams, quantize=quantize)
        result["precision"] = engine.settings.precision
        engine.generate(sentences[:1])  # warm-up
        before, t0 = _usage(), time.perf_counter()
        engine.generate(sentences)
        output, decoded = sum(engine.last_output_tokens), sum(engine.last_decoded_tokens)
    elif variant.startswith("ct2-bare-"):
        import ctranslate2
        import sentencepiece as spm

        size = int(variant.rsplit("-", 1)[1])
        sp = spm.SentencePieceProcessor(model_file=str(model / "source.spm"))
        tr = ctranslate2.Translator(str(model / "ctranslate2-int8"), device="cpu", compute_type="default",
                                    inter_threads=1, intra_threads=threads)
        pieces = sorted((sp.encode(s, out_type=str) + ["</s>"] for s in sentences), key=len, reverse=True)
        tr.translate_batch(pieces[:1], beam_size=beams, max_decoding_length=4)  # warm-up
        before, t0 = _usage(), time.perf_counter()
        output = decoded = 0
        for k in range(0, len(pieces), size):
            chunk = pieces[k:k + size]
            res = tr.translate_batch(chunk, beam_size=beams, max_input_length=0, return_end_token=True,
                                     max_decoding_length=output_cap(max(map(len, chunk))))
            for src, r in zip(chunk, res):
                n = len(r.hypotheses[0])  # decoded to the call's cap; the text's own is its output
                decoded += n
                output += min(n, output_cap(len(src)))
    elif variant == "ct2":
        from toolkit.mt.engine_ct2 import CT2MarianEngine

        engine = CT2MarianEngine(str(model), device="cpu", beams=beams)
        result["call_shape"] = f"{engine.max_batch_rows} rows, {engine.max_batch_tokens} tokens ({engine.call_shape_source})"
        engine.generate(sentences[:1])  # warm-up
        before, t0 = _usage(), time.perf_counter()
        engine.generate(sentences)
        output, decoded = sum(engine.last_output_tokens), sum(engine.last_decoded_tokens)
    elif variant in ("tm-first", "tm-rerun"):
        import toolkit.mt.translator as translator
        from toolkit.workflow.pipeline import RunOptions, translate_files

        # With </s> banned every draft ends at its cap and would be retried with
        # no_repeat_ngram_size: the MT twice. Disabled here so that tm-first does the same work as
        # the others (printed in the header).
        translator.Translator._problem = lambda self, source, hyp: None
        from toolkit.mt.engine_torch import TorchMarianEngine

        tally = _count_engine_tokens(TorchMarianEngine)
        article, out = tmp / "article.txt", tmp / "out"
        if variant == "tm-first":
            shutil.rmtree(out, ignore_errors=True)
            article.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
        else:  # keep only the translation memory: every draft must come from it
            for p in out.iterdir():
                if p.suffix in (".po", ".tsv"):
                    p.unlink()
        opts = RunOptions(model=str(model), engine="torch", device="cpu", beams=beams, glossary=None)
        before, t0 = _usage(), time.perf_counter()
        translate_files([article], out, opts)
        result["torch_imported"] = "torch" in sys.modules
        output, decoded = tally["output"], tally["decoded"]
    else:
        raise SystemExit(f"unknown variant {variant}")
    result["seconds"] = time.perf_counter() - t0
    after = _usage()
    result.update({k: after[k] - before[k] for k in after})
    result["output_tokens"] = output
    result["decoded_tokens"] = decoded if decoded is not None else output
    result["rss_mb"] = _rss_mb()
    return result


def check_counted_work(runs: dict[str, list[dict]], expected: int, tolerance: float = 0.01
                       ) -> tuple[str, list[str]]:
    """Fail loudly unless every timed run produced the same counted output tokens (within 1 %).

    ``tm-rerun`` translates nothing (every draft from the memory) and must count 0.

    Returns:
        ``(report, problems)``: one line per variant (counted output tokens, and decoded tokens,
        padding included), and the variants whose count differs from ``expected`` (the sum of the
        forced lengths) by more than ``tolerance`` (or ``tm-rerun`` translating anything).
    """
    lines, bad = [], []
    for v, rs in runs.items():
        counts = sorted({r["output_tokens"] for r in rs})
        want = 0 if v == "tm-rerun" else expected
        lines.append(f"  {v:12s} output tokens {'/'.join(map(str, counts))}, decoded "
                     f"{'/'.join(map(str, sorted({r['decoded_tokens'] for r in rs})))}")
        if any(abs(c - want) > tolerance * max(want, 1) for c in counts):
            bad.append(f"{v}: {counts} counted output tokens, expected {want}")
    return "\n".join(lines), bad


def cpu_line() -> str:
    """``CPU: <model>; ISA: <flags>; <n> usable cores, L2 …, L3 …`` (toolkit.mt.cpu)."""
    from toolkit.mt.cpu import cpu_info

    c = cpu_info()
    return f"CPU: {c.model} ({c.vendor}); ISA: {c.isa()}; {c.cores} usable cores, L2 {c.l2_kib} KiB, L3 {c.l3_kib} KiB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=32, help="sentences of the seed article (default 32)")
    ap.add_argument("--repeats", type=int, default=3, help="rotated repetitions; medians are printed")
    ap.add_argument("--beams", type=int, default=4)
    ap.add_argument("--quick", action="store_true", help="8 sentences, 1 repeat (a smoke run)")
    ap.add_argument("--skip", default="", help="comma-separated variants to leave out")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--model", type=Path, default=None, help="default: bench/_work/opus-mt-vi-en-bench-<builder hash>")
    args = ap.parse_args(argv)
    if args.quick:
        args.sentences, args.repeats = 8, 1
    args.model = args.model or default_model_dir()
    sentences = bench_sentences(args.sentences)
    if args.worker:
        print(json.dumps(worker(args.worker, args.model, sentences, args.beams, WORK / "tm")))
        return 0

    from toolkit.mt.precision import INT8_KERNELS, auto_quantize, int8_kernel

    print(cpu_line(), flush=True)
    (WORK / "tm").mkdir(parents=True, exist_ok=True)
    build_model(args.model)
    skip = set(filter(None, args.skip.split(",")))
    auto = auto_quantize()
    auto_variant = {"bf16": "torch-bf16", "none": "torch-fp32"}.get(auto, f"torch-int8-{int8_kernel()}")
    from toolkit.mt.cpu import cpu_info

    # Without AVX-512 VNNI, fbgemm-vnni runs as int_mm (toolkit.mt.int8_linear.usable_kernel): not timed twice.
    kernels = [k for k in INT8_KERNELS if k != "fbgemm-vnni" or cpu_info().has("avx512_vnni")]
    forced = [v for v in (*(f"torch-int8-{k}" for k in kernels), "torch-bf16", "torch-fp32") if v != auto_variant]
    timed = [v for v in ["naive", "torch", *forced, *(f"ct2-bare-{b}" for b in BARE_BATCH_SIZES), "ct2"]
             if v not in skip]
    runs: dict[str, list[dict]] = {}

    def run(variant: str) -> None:
        cmd = [sys.executable, __file__, "--worker", variant, "--model", str(args.model),
               "--sentences", str(args.sentences), "--beams", str(args.beams)]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            raise SystemExit(f"{variant} failed:\n{proc.stderr[-2000:]}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        runs.setdefault(variant, []).append(r)
        extra = "".join(f"  {r[k]}" for k in ("precision", "call_shape") if k in r)
        print(f"  {variant:12s} {r['seconds']:8.2f} s  {r['rss_mb']:6.0f} MB  {r['minflt']:8d} minflt "
              f"{r['nivcsw']:6d} nivcsw{extra}", file=sys.stderr, flush=True)

    for rep in range(args.repeats):
        k = rep % len(timed)
        for variant in timed[k:] + timed[:k]:
            run(variant)
        if "tm" not in skip:
            run("tm-first")
            run("tm-rerun")

    _force_caps()
    from toolkit.mt.batching import output_cap
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(args.model / "source.spm"))
    src_tokens = [len(sp.encode(s)) + 1 for s in sentences]
    out_tokens = sum(output_cap(n) for n in src_tokens)
    report, unequal = check_counted_work(runs, out_tokens)
    print(report)
    med = {v: statistics.median(r["seconds"] for r in rs) for v, rs in runs.items()}
    rss = {v: max(r["rss_mb"] for r in rs) for v, rs in runs.items()}
    base = med.get("naive")
    print(cpu_line())
    print(f"{len(sentences)} sentences, {sum(src_tokens)} source tokens, {out_tokens} output tokens "
          f"(forced, {OUTPUT_RATIO}× source; counted in every variant, equal), beam {args.beams}, "
          f"{_threads()} CPU threads, median of {args.repeats}; "
          f"torch = --quantize auto = {auto_variant.removeprefix('torch-')}")
    if "tm" not in skip:
        print("tm-first: the pipeline's length-cap retry (no_repeat_ngram_size) is disabled: with </s> banned "
              "every draft ends at its cap and would be translated twice")
    print("| variant | seconds | rounds | sentences/s | output tokens/s | × naive | peak RSS |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for v in runs:
        s = med[v]
        extra = ""
        if v == "tm-rerun":
            extra = " (torch imported)" if any(r.get("torch_imported") for r in runs[v]) else " (no torch import)"
        speed = f"{base / s:.1f}×" if base else "—"
        rounds = ", ".join(f"{r['seconds']:.1f}" for r in runs[v])
        print(f"| {v}{extra} | {s:.2f} | {rounds} | {len(sentences) / s:.2f} | {out_tokens / s:.0f} | {speed} "
              f"| {rss[v]:.0f} MB |")
    bare = [med[v] for v in med if v.startswith("ct2-bare-")]

    def ratio(a, b):
        return f"{a / b:.2f}" if a and b else "nan"

    print(f"ratios: torch_vs_naive={ratio(base, med.get('torch'))} ct2_vs_naive={ratio(base, med.get('ct2'))} "
          f"ct2_overhead={ratio(med.get('ct2'), min(bare) if bare else None)} "
          f"tm_rerun_speedup={ratio(med.get('tm-first'), med.get('tm-rerun'))}")
    if unequal:  # after the table, so that a long run is not lost; still a failure
        print("UNEQUAL WORK, the timings are not comparable:\n  " + "\n  ".join(unequal), file=sys.stderr)
        return 1
    return 0


def _threads() -> int:
    from toolkit.mt.cpu import usable_cores

    return usable_cores()


if __name__ == "__main__":
    sys.exit(main())
