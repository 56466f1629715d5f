"""Compare glossary protection strategies (inline / placeholder / none) on the seed article.

The real opus-mt-vi-en cannot be run in CI, so each strategy is measured against *simulated model
behaviours* that bracket what MarianMT does with protected spans, plus any real checkpoint given
with ``--model`` (a local opus-mt folder, or the tiny test checkpoint):

* ``copy``: copies Latin-script spans and placeholders verbatim (the best case);
* ``case-drift``: lower-cases copied English and respells placeholders (``TERM1`` → ``term 1``);
* ``drop-half``: loses every second protected span or placeholder in the best hypothesis, keeps it
  in the 2nd hypothesis (tests the n-best repair);
* ``literal``: translates unprotected Vietnamese terms literally with known wrong renderings
  (``Bộ Chính trị`` → ``Ministry of Politics``), drops placeholders entirely.

"protect-only" is the usage rate of the protection alone (first hypothesis, no retry, no repair).
For each (behaviour, strategy) it prints term occurrences, enforced, present, repaired, flagged and
the usage rate, the number of engine calls and texts sent, and with ``--json`` writes the table.

Usage:
    python bench/eval_terms.py [--glossary glossary/vi-en.tsv] [--model DIR] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.terms.termbase import Glossary  # noqa: E402
from toolkit.terms.enforce import STRATEGIES, draft_segments, summarize  # noqa: E402
from toolkit.types import Hypothesis  # noqa: E402

WORD = re.compile(r"\w+")
PLACEHOLDER = re.compile(r"TERM(\d+)")
LITERAL = {"Bộ Chính trị": "Ministry of Politics", "đồn Biên phòng": "border station", "BĐBP": "BĐBP",
           "UBND": "UBND", "Đảng ủy": "Party Commission", "cán bộ, chiến sĩ": "cadres, soldiers",
           "Chỉ thị 05-CT/TW": "Instruction 05-CT/TW", "Bộ Chỉ huy": "Ministry of Command"}


def _vi_to_w(text: str) -> str:
    return WORD.sub(lambda m: m.group() if m.group().isascii() else "w", text)


def copy(text: str) -> list[Hypothesis]:
    return [Hypothesis(_vi_to_w(text), -0.1)]


def case_drift(text: str) -> list[Hypothesis]:
    out = PLACEHOLDER.sub(lambda m: f"term {m.group(1)}", text)
    out = WORD.sub(lambda m: m.group().lower() if m.group().isascii() else "w", out)
    return [Hypothesis(out, -0.1)]


def drop_half(text: str) -> list[Hypothesis]:
    seen = {"n": 0}

    def drop(m: re.Match) -> str:
        seen["n"] += 1
        return "" if seen["n"] % 2 else m.group()

    lossy = re.sub(r"TERM\d+|(?:[A-Z][\w'-]*\s?)+", drop, text)
    return [Hypothesis(_vi_to_w(lossy), -0.1), Hypothesis(_vi_to_w(text), -0.3)]


def literal(text: str) -> list[Hypothesis]:
    out = PLACEHOLDER.sub("", text)
    for vi, en in sorted(LITERAL.items(), key=lambda kv: -len(kv[0])):
        out = out.replace(vi, en)
    return [Hypothesis(WORD.sub(lambda m: m.group() if m.group().isascii() or m.group() in LITERAL else "w",
                                out), -0.1)]


BEHAVIOURS = {"copy": copy, "case-drift": case_drift, "drop-half": drop_half, "literal": literal}


class Counting:
    def __init__(self, fn):
        self.fn, self.calls, self.texts = fn, 0, 0

    def __call__(self, texts, n_best):
        self.calls += 1
        self.texts += len(texts)
        return self.fn(texts, n_best)


def per_text(fn):
    return lambda texts, n: [fn(t)[:n] for t in texts]


def seed_sentences() -> list[str]:
    from toolkit.segment.segmenter import segment_text

    text = (ROOT / "seeds" / "000_94a404d477b589ad.txt").read_text(encoding="utf-8")
    return [s.text for s in segment_text(text) if any(c.isalpha() for c in s.text)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--glossary", default=str(ROOT / "glossary" / "vi-en.tsv"))
    ap.add_argument("--model", help="local MarianMT folder to measure as well (slow on CPU)")
    ap.add_argument("--json", help="write the table as JSON here")
    args = ap.parse_args(argv)
    glossary = Glossary.load(args.glossary)
    sources = seed_sentences()
    behaviours = {k: per_text(v) for k, v in BEHAVIOURS.items()}
    if args.model:
        from toolkit.mt.translator import Translator, load_engine

        behaviours[f"model:{Path(args.model).name}"] = Translator(load_engine(args.model)).translate
    rows = []
    header = f"{'behaviour':<16}{'strategy':<13}{'occ':>5}{'enf':>5}{'pres':>5}{'rep':>5}{'flag':>5}{'warn':>5}" \
             f"{'usage':>8}{'calls':>6}{'texts':>6}{'protect-only':>14}"
    print(header)
    for name, fn in behaviours.items():
        for strategy in STRATEGIES:
            tr = Counting(fn)
            s = summarize(draft_segments(sources, glossary, tr, strategy=strategy))
            # the protection alone: first hypothesis, no retry, no repair
            bare = summarize(draft_segments(sources, glossary, fn, strategy=strategy, n_best=1, retry=False,
                                            term_repair=False))
            rows.append({"behaviour": name, "strategy": strategy, "calls": tr.calls, "texts": tr.texts,
                         "protect_only_usage_rate": bare["usage_rate"], **{k: v for k, v in s.items() if k != "terms"}})
            print(f"{name:<16}{strategy:<13}{s['occurrences']:>5}{s['enforced']:>5}{s['present']:>5}"
                  f"{s['repaired']:>5}{s['flagged']:>5}{s['warnings']:>5}{s['usage_rate'] * 100:>7.1f}%"
                  f"{tr.calls:>6}{tr.texts:>6}{bare['usage_rate'] * 100:>13.1f}%")
    if args.json:
        from toolkit.text.files import atomic_write_text

        atomic_write_text(args.json, json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
