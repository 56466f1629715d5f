"""Term-base evaluation on real same-domain sentences: coverage and false positives.

Data: ``bench/termeval/sentences.tsv`` (sources in ``SOURCES.md``): one sentence per row with the
domain-term occurrences a reviewer expects (``surface => accepted English | alternative``) and the
spans where no term may fire (``!surface``). Kinds: ``domain`` (sentences from news articles other
than the seed), ``must-fire`` and ``must-not-fire`` (rule probes; real where a real sentence was
found, ``constructed`` otherwise).

Measures, for a term base and the matcher on ``sys.path``:

* **coverage**: expected occurrences matched *exactly* (same span) by an entry or pattern whose English
  (preferred or admitted) is one of the accepted renderings, over all expected occurrences;
* **wrong rendering**: exact span, English not accepted;
* **false positives**: a match inside a ``!`` span, or a match strictly inside / straddling an expected
  occurrence (a partial term: part of a unit goes to the model as the wrong thing);
* **unannotated**: matches touching no annotation (listed with ``-v`` for review, not scored).

English is compared case-insensitively, straight/curly quotes equal, and a final plural ``s``
ignored (the base stores singulars; verification accepts both).

Usage (repeat "before" with the layout-v2 tree exported to DIR):
    python bench/termeval/run.py [--glossary G] [--code DIR] [-v] [--json OUT]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def load_rows(path: Path = HERE / "sentences.tsv") -> list[dict]:
    """Rows of the evaluation set with parsed expectations.

    Returns:
        dicts with ``id``, ``source``, ``kind``, ``sentence``, ``expect`` (list of
        ``(start, end, accepted_list)``) and ``forbid`` (list of ``(start, end)``).

    Raises:
        ValueError: an annotated surface that is not in its sentence (names the row id).
    """
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            s = row["sentence"]
            expect, forbid, seen = [], [], {}
            for item in filter(None, (x.strip() for x in row["expect"].split(";;"))):
                neg = item.startswith("!")
                surface = item[1:].strip() if neg else item.split("=>")[0].strip()
                # the k-th occurrence not inside an already annotated longer unit
                k = seen.get(surface, 0)
                placed = [(a, b) for a, b, _ in expect] + forbid
                occ, pos = [], s.find(surface)
                while pos >= 0:
                    if neg or not any(a <= pos and pos + len(surface) <= b and b - a > len(surface) for a, b in placed):
                        occ.append(pos)
                    pos = s.find(surface, pos + 1)
                if len(occ) <= k:
                    raise ValueError(f"{row['id']}: {surface!r} not in the sentence")
                pos = occ[k]
                seen[surface] = k + 1
                if neg:
                    forbid.append((pos, pos + len(surface)))
                else:
                    acc = [a.strip() for a in item.split("=>", 1)[1].split("|")]
                    expect.append((pos, pos + len(surface), acc))
            out.append({**row, "expect": expect, "forbid": forbid})
    return out


def _norm(text: str) -> str:
    t = " ".join(text.replace("’", "'").replace("‘", "'").lower().split())
    return t


def accepted(english: list[str], wanted: list[str]) -> bool:
    """True when one of the entry's English forms equals an accepted rendering (plural-insensitive)."""
    want = {_norm(w) for w in wanted}
    want |= {w[:-1] for w in want if w.endswith("s")}
    for e in english:
        n = _norm(e)
        if n in want or (n.endswith("s") and n[:-1] in want):
            return True
    return False


def english_of(entry) -> list[str]:
    """Preferred and admitted English of a matched entry (old bases have only ``target``)."""
    target = entry.replacement if getattr(entry.type, "value", "") == "forbidden" else entry.target
    return [target, *getattr(entry, "admitted", ())]


def evaluate(glossary, rows: list[dict]) -> dict:
    """Score ``glossary.match`` on ``rows`` (see module docstring)."""
    tot = {"expected": 0, "covered": 0, "wrong_rendering": 0, "missed": 0, "false_positives": 0,
           "fp_must_not": 0, "fp_partial": 0, "unannotated": 0, "sentences": len(rows)}
    by_kind: dict[str, dict] = {}
    details = []
    t0 = time.perf_counter()
    matched = [glossary.match(r["sentence"]) for r in rows]
    tot["match_seconds"] = round(time.perf_counter() - t0, 4)
    for r, ms in zip(rows, matched):
        k = by_kind.setdefault(r["kind"], {"expected": 0, "covered": 0, "false_positives": 0, "sentences": 0,
                                           "sentences_ok": 0})
        k["sentences"] += 1
        spans = {(m.start, m.end): m for m in ms}
        bad = 0
        for a, b, acc in r["expect"]:
            tot["expected"] += 1
            k["expected"] += 1
            m = spans.get((a, b))
            if m is not None and accepted(english_of(m.entry), acc):
                tot["covered"] += 1
                k["covered"] += 1
            elif m is not None:
                tot["wrong_rendering"] += 1
                bad += 1
                details.append((r["id"], "wrong", r["sentence"][a:b], english_of(m.entry)[0], acc[0]))
            else:
                tot["missed"] += 1
                bad += 1
                details.append((r["id"], "miss", r["sentence"][a:b], "", acc[0]))
        exp_spans = {(a, b) for a, b, _ in r["expect"]}
        for m in ms:
            if (m.start, m.end) in exp_spans:
                continue
            inside_forbid = any(a <= m.start and m.end <= b for a, b in r["forbid"])
            partial = any((a <= m.start and m.end <= b) or (m.start < b and a < m.end and not
                          (m.start <= a and b <= m.end)) for a, b in exp_spans)
            if inside_forbid or partial:
                tot["fp_must_not" if inside_forbid else "fp_partial"] += 1
                tot["false_positives"] += 1
                k["false_positives"] += 1
                bad += 1
                details.append((r["id"], "false-positive", m.surface, english_of(m.entry)[0], ""))
            elif not any(m.start < b and a < m.end for a, b in exp_spans):
                tot["unannotated"] += 1
                details.append((r["id"], "unannotated", m.surface, english_of(m.entry)[0], ""))
        k["sentences_ok"] += bad == 0
    tot["coverage"] = round(tot["covered"] / tot["expected"], 4) if tot["expected"] else None
    return {"total": tot, "by_kind": by_kind, "details": details}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--glossary", default=str(ROOT / "glossary" / "vi-en.tsv"))
    ap.add_argument("--code", default=str(ROOT), help="source tree whose toolkit to measure")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    sys.path.insert(0, args.code)
    from toolkit.terms.termbase import Glossary

    g = Glossary.load(args.glossary)
    res = evaluate(g, load_rows())
    t = res["total"]
    print(f"glossary {args.glossary} ({len(g.entries)} entries), code {args.code}")
    print(f"coverage {t['covered']}/{t['expected']} = {t['coverage']:.1%}; wrong rendering {t['wrong_rendering']}; "
          f"missed {t['missed']}; false positives {t['false_positives']} ({t['fp_must_not']} in must-not spans, "
          f"{t['fp_partial']} partial units); unannotated matches {t['unannotated']}")
    for kind, k in res["by_kind"].items():
        cov = f"{k['covered']}/{k['expected']}" if k["expected"] else "-"
        print(f"  {kind:<14} sentences {k['sentences_ok']}/{k['sentences']} fully right; covered {cov}; "
              f"false positives {k['false_positives']}")
    if args.verbose:
        for d in res["details"]:
            print("   ", *d, sep="\t")
    if args.json:
        Path(args.json).write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
