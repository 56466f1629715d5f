#!/usr/bin/env python3
"""Score ``toolkit.segment`` on every file of ``bench/segdev`` (and, if given, other gold folders).

``python bench/segdev/score_all.py [--errors N] [--also DIR ...]``

Prints, per folder, one row per file with boundary precision / recall / F1 and the share of gold
sentences returned exactly, then the micro-averaged total; ``--errors N`` also shows up to N missed
and spurious boundaries per file in context. The metric is :mod:`score` (a copy of
``shared/segmentation/score.py``): whitespace and Unicode normalisation are ignored, the end of the
text is not a boundary. ``--also ../shared/segmentation`` scores the shared development set too (it
only exists beside a checkout that has ``../shared``). Exit status 0; this is a measurement, not a test.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import score  # noqa: E402  (the copied scorer, next to this file)


def segment(text: str) -> list[str]:
    """The toolkit's segmenter as the scorer's callable: raw text → sentence texts."""
    from toolkit.segment import segment_text

    return [s.text for s in segment_text(text)]


def score_folder(folder: Path, errors: int) -> dict:
    """Score every NAME.txt/NAME.gold pair in ``folder``; print the table; return the total counts."""
    score.HERE = str(folder)
    names = score.list_files()
    rows, total = score.run(segment, names, errors, label=folder.name)
    print(score.table(f"toolkit.segment on {folder}", rows, total))
    print()
    return total


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--errors", type=int, default=0, help="print up to N boundary errors per file")
    ap.add_argument("--also", nargs="*", default=[], help="further folders of NAME.txt/NAME.gold pairs")
    a = ap.parse_args(argv)
    for folder in [HERE, *map(Path, a.also)]:
        if not folder.is_dir():
            print(f"skipped {folder}: not a folder", file=sys.stderr)
            continue
        total = score_folder(folder, a.errors)
        p, r, f1, ex = score.prf(total)
        print(f"{folder.name}: boundary P {p:.3f} R {r:.3f} F1 {f1:.3f}, exact {ex:.3f} "
              f"({total['gold_sents']} gold sentences)\n")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    main()
