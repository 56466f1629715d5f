"""Segmentation throughput in MB/s (issue 3): ``python bench/bench_segment.py [--mb 5] [--repeat 3]``.

The input is a few MB of Vietnamese built from the paragraphs of ``seeds/*.txt``, shuffled with a
fixed seed and repeated, so the figure is reproducible. MB are of UTF-8 input bytes (10^6 bytes).
Two paths are timed, best of ``--repeat`` runs each:

- ``segment_text``: the whole text in memory (``str`` → ``list[Segment]``);
- ``iter_segments_from_file``: the streaming reader (decode, CRLF/NFC, paragraphs) from a file.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from toolkit.segment.segmenter import iter_segments_from_file, segment_text

ROOT = Path(__file__).resolve().parent.parent


def build_corpus(megabytes: float, seed: int = 13) -> str:
    """Shuffled seed paragraphs, repeated until the UTF-8 size reaches ``megabytes`` (10^6 bytes)."""
    paragraphs = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        paragraphs += [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(seed)
    out, size = [], 0
    while size < megabytes * 1e6:
        rng.shuffle(paragraphs)
        for p in paragraphs:
            out.append(p)
            size += len(p.encode("utf-8")) + 2
    return "\n\n".join(out) + "\n"


def best_of(repeat: int, fn) -> tuple[float, int]:
    """(fastest wall time in seconds, segments produced)."""
    best, n = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        n = fn()
        best = min(best, time.perf_counter() - t0)
    return best, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=5.0, help="input size in MB (default 5)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per path; the best is reported")
    a = ap.parse_args()

    text = build_corpus(a.mb)
    mb = len(text.encode("utf-8")) / 1e6
    t_mem, n_mem = best_of(a.repeat, lambda: len(segment_text(text)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.txt"
        path.write_text(text, encoding="utf-8")
        t_file, n_file = best_of(a.repeat, lambda: sum(1 for _ in iter_segments_from_file(path)))
    print(f"input: {mb:.2f} MB of Vietnamese ({len(text):,} code points) from seeds/*.txt")
    print(f"segment_text:            {mb / t_mem:6.2f} MB/s  ({t_mem:.2f} s, {n_mem:,} segments)")
    print(f"iter_segments_from_file: {mb / t_file:6.2f} MB/s  ({t_file:.2f} s, {n_file:,} segments)")


if __name__ == "__main__":
    main()
