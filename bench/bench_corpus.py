"""Corpus throughput, side by side (issue 15): ``python bench/bench_corpus.py [--quick]``.

One run, so that only ratios measured together are compared:

1. The exact-architecture random MarianMT checkpoint of ``bench_translate.py`` (``</s>`` banned,
   so every text generates ``int(1.2 × source tokens)`` tokens: the same counted work for every
   variant), beam 4, torch engine (``--quantize auto`` as shipped: the precision is printed), no glossary (enforcement would add rounds
   that differ between variants). Retries after the length cap are disabled for the bench: every
   forced output reaches its cap by construction, and a retry would redo the MT.
2. A generated corpus: ``--articles`` articles of 3–10 sentences from the seed article's
   sentences (cut at commas to ≤ 25 syllables); 15 % of the sentence slots are filled from a small
   pool shared across articles (bylines, captions, restated leads), the rest are distinct.
3. Each variant runs in a fresh worker process (thread pools of two engines in one process slow
   each other), model loading and one warm-up call excluded unless stated:

   - ``bare``: ``TorchMarianEngine.generate`` on the de-duplicated sentences with letters (what
     the pipeline drafts), one call (its own length-sorted token batches) — the engine's speed, no
     pipeline;
   - ``corpus``: ``translate_files`` over the whole corpus (corpus mode), fresh TM;
   - ``one-by-one``: ``translate_files`` per article, one TM shared (the pre-corpus way of
     running a folder: batches never cross an article);
   - ``rerun``: ``translate_files`` over the finished corpus again (a fresh process; the up-to-date
     check reads headers only; no model);
   - ``from-tm``: the corpus again into an empty folder with a copy of the corpus run's TM: every
     draft comes from the TM (no model), so this is the driver's own work — segmentation, lookups,
     merges, atomic PO/TSV writes — which bounds how many drafting cores one driver can serve;
   - ``ray``: the corpus on Ray local mode, 2 actors × ``threads/2`` torch threads (the same total
     threads as the others); Ray's own start (``ray.init``) is reported, not counted; the actors'
     start-up (engine load in each) is inside the time and reported on its own.

Its last line: ``corpus: corpus_vs_bare=X corpus_vs_one_by_one=Y ray_overhead=Z rerun_fraction=W``,
ratios of distinct sentences drafted per second (the same sentences in every variant), and the
re-run's seconds over the corpus run's. ``--quick`` (24 articles) finishes in a few minutes.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_translate import WORK, _force_caps, _rss_mb, bench_sentences, build_model, default_model_dir  # noqa: E402  (the same model)

ROOT = HERE.parent
SEED = ROOT / "seeds" / "000_94a404d477b589ad.txt"
REPEATED_SHARE = 0.15
BEAMS = 4


def corpus_sentences() -> list[str]:
    """Seed sentences with letters, cut at ', ' to ≤ 25 syllables, distinct, ≥ 3 syllables."""
    return list(dict.fromkeys(s for s in bench_sentences(None, max_syllables=25) if len(s.split()) >= 3))


def make_corpus(folder: Path, articles: int, seed: int = 15) -> dict:
    """Write the corpus; distinct sentences are numbered variants of seed sentences (so there are
    enough), the shared pool is 8 of them."""
    rng = random.Random(seed)
    base = corpus_sentences()
    shared = [f"{s}" for s in base[:8]]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    n = 0
    for i in range(articles):
        lines = []
        for _ in range(rng.randint(3, 10)):
            if rng.random() < REPEATED_SHARE:
                lines.append(rng.choice(shared))
            else:
                lines.append(_numbered(base[8 + n % (len(base) - 8)], n))   # distinct: numbered
                n += 1
        (folder / f"bai_{i:03d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return {"articles": articles}


def _numbered(sentence: str, n: int) -> str:
    """``sentence`` made distinct by `` (n)`` before its final stop, so it stays one segment (after
    the stop, "(n)" would be a segment of its own, which the pipeline copies without drafting)."""
    m = re.match(r"^(.*?)([.!?…]+[”\"’)]*)$", sentence)
    return f"{m.group(1)} ({n}){m.group(2)}" if m else f"{sentence} ({n})"


def _engine(model: Path, threads: int):
    import torch

    from toolkit.mt.engine_torch import TorchMarianEngine

    torch.set_num_threads(threads)
    return TorchMarianEngine(str(model), device="cpu", beams=BEAMS, threads=threads)


class BenchEngine:
    """Engine factory for the Ray actors: the same caps and no-retry patch as in this process."""

    def __call__(self, options):
        _force_caps()
        _no_retry()
        from toolkit.mt.engine_torch import TorchMarianEngine

        return TorchMarianEngine(options.model, device="cpu", beams=BEAMS, threads=options.ray_threads)


def _no_retry() -> None:
    from toolkit.mt.translator import Translator

    Translator._problem = lambda self, source, hyp: None   # see module docstring


def _options(model: Path, **kw):
    from toolkit.workflow.pipeline import RunOptions

    return RunOptions(model=str(model), engine="torch", device="cpu", beams=BEAMS, glossary=None, **kw)


def worker(variant: str, model: Path, corpus: Path, work: Path, threads: int) -> dict:
    _force_caps()
    _no_retry()
    from toolkit.mt.checks import has_letters
    from toolkit.segment.segmenter import segment_text
    from toolkit.workflow.pipeline import translate_files

    paths = sorted(corpus.glob("*.txt"))
    # What the pipeline drafts: distinct segments with letters (the others are copied, b08).
    distinct = list(dict.fromkeys(s.text for p in paths for s in segment_text(p.read_text(encoding="utf-8"))
                                  if has_letters(s.text)))
    r: dict = {"variant": variant, "distinct": len(distinct)}
    out = work / variant
    if variant != "rerun":
        shutil.rmtree(out, ignore_errors=True)
    if variant == "from-tm":   # the corpus run's TM, read and written in a copy
        out.mkdir(parents=True)
        shutil.copy(work / "corpus" / ".bitext-tm.sqlite", out / ".bitext-tm.sqlite")
    if variant in ("bare", "corpus", "one-by-one"):
        engine = _engine(model, threads)
        r["precision"] = engine.settings.precision
        engine.generate(distinct[:1])   # warm-up
        t0 = time.perf_counter()
        if variant == "bare":
            engine.generate(sorted(distinct, key=len))
        elif variant == "corpus":
            rep = translate_files(paths, out, _options(model), engine_factory=lambda o: engine)
            r["drafted"] = rep.drafted
        else:
            for p in paths:
                translate_files([p], out, _options(model, tm=work / "one-by-one.tm"), engine_factory=lambda o: engine)
        r["seconds"] = time.perf_counter() - t0
    elif variant == "from-tm":
        t0 = time.perf_counter()
        rep = translate_files(paths, out, _options(model))
        r["seconds"] = time.perf_counter() - t0
        r["drafted"], r["torch_imported"] = rep.drafted, "torch" in sys.modules
    elif variant == "rerun":
        t0 = time.perf_counter()
        rep = translate_files(paths, work / "corpus", _options(model))
        r["seconds"] = time.perf_counter() - t0
        r["up_to_date"] = sum(f.status.value == "up-to-date" for f in rep)
        r["torch_imported"] = "torch" in sys.modules
    elif variant == "ray":
        import ray

        t0 = time.perf_counter()
        path = os.pathsep.join([str(HERE), str(ROOT), os.environ.get("PYTHONPATH", "")])
        ray.init(num_cpus=threads, include_dashboard=False, log_to_driver=False,
                 runtime_env={"env_vars": {"PYTHONPATH": path}})
        r["ray_init"] = time.perf_counter() - t0
        per_actor = max(1, threads // 2)
        t0 = time.perf_counter()
        from bench_corpus import BenchEngine   # by module name, so the actors can unpickle it

        rep = translate_files(paths, out, _options(model, ray="auto", ray_actors=2, ray_threads=per_actor),
                              engine_factory=BenchEngine())
        r["seconds"] = time.perf_counter() - t0
        r["actor_load"] = rep.timings.model_load / 2   # mean engine load per actor
        r["drafted"] = rep.drafted
        ray.shutdown()
    else:
        raise SystemExit(f"unknown variant {variant}")
    r["rss_mb"] = _rss_mb()
    return r


def _same_outputs(a: Path, b: Path) -> bool:
    def norm(p: Path) -> str:
        return re.sub(r'"PO-Revision-Date: [^"]*"\n', "", p.read_text(encoding="utf-8"))

    names = sorted(p.name for p in a.iterdir() if p.suffix in (".po", ".tsv"))
    return names == sorted(p.name for p in b.iterdir() if p.suffix in (".po", ".tsv")) and \
        all(norm(a / n) == norm(b / n) for n in names)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--quick", action="store_true", help="24 articles")
    ap.add_argument("--skip", default="", help="comma-separated variants to leave out")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--model", type=Path, default=None, help="default: bench_translate's cached bench model")
    args = ap.parse_args(argv)
    if args.quick:
        args.articles = 24
    args.model = args.model or default_model_dir()
    threads = os.cpu_count() or 1
    corpus, work = WORK / "corpus-in", WORK / "corpus-out"
    if args.worker:
        print(json.dumps(worker(args.worker, args.model, corpus, work, threads)))
        return 0

    build_model(args.model)
    make_corpus(corpus, args.articles)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    skip = set(filter(None, args.skip.split(",")))
    runs: dict[str, dict] = {}
    for variant in [v for v in ("bare", "corpus", "rerun", "from-tm", "one-by-one", "ray") if v not in skip]:
        cmd = [sys.executable, __file__, "--worker", variant, "--model", str(args.model)]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            raise SystemExit(f"{variant} failed:\n{proc.stderr[-3000:]}")
        runs[variant] = r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"  {variant:10s} {r['seconds']:8.2f} s  {r['rss_mb']:6.0f} MB", file=sys.stderr, flush=True)

    import platform

    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    n = runs[next(iter(runs))]["distinct"]
    print(f"{args.articles} articles, {n} distinct sentences, beam {BEAMS}, forced output 1.2 × source tokens, "
          f"{threads} CPU threads ({cpu}), torch precision {runs.get('bare', runs.get('corpus', {})).get('precision', '?')}")
    print("| variant | seconds | distinct sentences/s | peak RSS |")
    print("|---|---:|---:|---:|")
    for v, r in runs.items():
        extra = {"rerun": f" ({r.get('up_to_date')} up to date, torch imported: {r.get('torch_imported')})",
                 "from-tm": f" (drafted {r.get('drafted')}, torch imported: {r.get('torch_imported')})",
                 "ray": f" (ray.init {r.get('ray_init', 0):.1f} s not counted; engine load per actor "
                        f"{r.get('actor_load', 0):.1f} s counted)"}.get(v, "")
        print(f"| {v}{extra} | {r['seconds']:.2f} | {n / r['seconds']:.2f} | {r['rss_mb']:.0f} MB |")
    if "ray" in runs and "corpus" in runs:
        print(f"ray outputs identical to corpus outputs: {_same_outputs(work / 'corpus', work / 'ray')}")
    if "corpus" in runs and "one-by-one" in runs:
        print(f"one-by-one outputs identical to corpus outputs: {_same_outputs(work / 'corpus', work / 'one-by-one')}")
    sec = {v: r["seconds"] for v, r in runs.items()}

    def ratio(a, b):
        return f"{sec[a] / sec[b]:.2f}" if a in sec and b in sec else "nan"

    print(f"corpus: corpus_vs_bare={ratio('bare', 'corpus')} corpus_vs_one_by_one={ratio('one-by-one', 'corpus')} "
          f"ray_overhead={ratio('ray', 'corpus')} rerun_fraction={ratio('rerun', 'corpus')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
