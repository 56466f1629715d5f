"""Term matching speed on a large term base: the layout-v2 matcher ("before") and this tree ("after"),
side by side in one run, on the same file and the same text (issue 13: within 2× of before).

The base: ``--entries`` (default 50,000) synthetic Vietnamese terms of 2–5 syllables drawn with a fixed
random seed from the syllables of the seed article and the curated base, written in the older
7-column TSV format that both matchers load, plus (for "after" only, reported separately) the same
file with the curated v2 base appended (patterns, {PLACE}, exceptions, word checks).
Work counted: ``Glossary.match`` over every segment of the seed article, ``--repeat`` times, in a fresh
process per measurement (before and after alternate); load time and the first calls (lazy imports:
the word segmenter's model, about 3-8 s on a shared 2-core machine) are reported apart.

Usage:
    git -C . archive layout-v2 | tar -x -C /tmp/before     # the "before" tree
    python bench/bench_terms.py --before /tmp/before [--entries 50000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_94a404d477b589ad.txt"

CHILD = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from toolkit.terms.termbase import Glossary
from toolkit.segment.segmenter import segment_text
g = Glossary.load(sys.argv[1])
t1 = time.perf_counter()
segs = [s.text for s in segment_text(Path(sys.argv[2]).read_text(encoding="utf-8"))]
n = 0
tw = time.perf_counter()
for s in segs[:1] + [x for x in segs if "quân dân" in x][:1]:   # first calls: lazy imports (word segmenter model)
    g.match(s)
t2 = time.perf_counter()
for _ in range(int(sys.argv[3])):
    for s in segs:
        n += len(g.match(s))
t3 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "warmup_s": t2 - tw, "match_s": (t3 - t2) / int(sys.argv[3]), "matches": n // int(sys.argv[3]),
                  "segments": len(segs), "entries": len(g.entries)}))
"""


def make_base(path: Path, entries: int, seed: int = 13) -> None:
    """Write ``entries`` synthetic terms (older TSV format) to ``path``; deterministic for ``seed``."""
    text = SEED.read_text(encoding="utf-8")
    curated = (ROOT / "glossary" / "vi-en.tsv").read_text(encoding="utf-8")
    words = sorted({w.strip(".,;:“”()\"") for w in (text + " " + curated).split() if w.strip(".,;:“”()\"").isalpha()})
    rng = random.Random(seed)
    seen, rows = set(), ["source\ttarget\ttype\tnote\tcontext\tcase_sensitive\treplacement"]
    while len(rows) <= entries:
        term = " ".join(rng.choice(words) for _ in range(rng.randint(2, 5)))
        if term.lower() not in seen:
            seen.add(term.lower())
            rows.append(f"{term}\tterm {len(rows)}\trequired\tsynthetic\tbench\t\t")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def run(code: str, base: Path, repeat: int) -> dict:
    env = {**os.environ, "PYTHONPATH": code}
    out = subprocess.run([sys.executable, "-c", CHILD, str(base), str(SEED), str(repeat)], env=env,
                         capture_output=True, text=True, check=True, cwd=code)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", required=True, help="source tree of the layout-v2 matcher")
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3, help="passes over the article per process")
    ap.add_argument("--runs", type=int, default=3, help="processes per variant (alternating)")
    args = ap.parse_args(argv)
    cpu = next((ln.split(":", 1)[1].strip() for ln in subprocess.run(["lscpu"], capture_output=True, text=True).stdout
                .splitlines() if ln.startswith("Model name")), "unknown CPU")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "bench-50k.tsv"
        make_base(base, args.entries)
        plus = Path(tmp) / "bench-50k-plus-curated.tsv"
        make_base(plus, args.entries)
        curated = [ln for ln in (ROOT / "glossary" / "vi-en.tsv").read_text(encoding="utf-8").splitlines()
                   if ln and not ln.startswith("#")]
        head, body = curated[0], curated[1:]
        synth = plus.read_text(encoding="utf-8").splitlines()[1:]
        cols = head.split("\t")
        plus.write_text(head + "\n" + "\n".join(body) + "\n" + "\n".join(
            "\t".join({"source": r.split("\t")[0], "target": r.split("\t")[1], "status": "proposed",
                       "note": "synthetic"}.get(c, "") for c in cols) for r in synth) + "\n", encoding="utf-8")
        res = {"before": [], "after": [], "after+curated": []}
        for _ in range(args.runs):
            res["before"].append(run(args.before, base, args.repeat))
            res["after"].append(run(str(ROOT), base, args.repeat))
            res["after+curated"].append(run(str(ROOT), plus, args.repeat))
    print(f"CPU: {cpu}; {args.entries} synthetic entries; seed article; {args.runs} processes × {args.repeat} passes each")
    print(f"{'variant':<16}{'entries':>9}{'load s':>9}{'first calls s':>15}{'match s/pass':>14}{'matches':>9}{'vs before':>11}")
    ref = statistics.median(r["match_s"] for r in res["before"])
    for name, rs in res.items():
        m = statistics.median(r["match_s"] for r in rs)
        print(f"{name:<16}{rs[0]['entries']:>9}{statistics.median(r['load_s'] for r in rs):>9.2f}"
              f"{statistics.median(r['warmup_s'] for r in rs):>15.2f}{m:>14.3f}"
              f"{rs[0]['matches']:>9}{m / ref:>10.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
