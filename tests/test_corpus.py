"""Corpus mode on the tiny checkpoint: many short articles, one engine, cross-article batches.

The engine is the real one (tiny random-weight MarianMT, tests/conftest.py), loaded once for the
module; a wrapper counts what reaches it.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from toolkit.segment.segmenter import segment_text
from toolkit.workflow.inputs import expand_inputs
from toolkit.workflow.pipeline import RunOptions, translate_files
from toolkit.workflow.report import FileStatus

pytestmark = pytest.mark.slow

BYLINE = "Ảnh: Báo Biên phòng."


class Counting:
    """Engine wrapper that records every text of every first-pass ``generate`` call."""

    def __init__(self, engine):
        self.engine = engine
        self.first_pass: Counter = Counter()
        self.calls = 0
        self.fail_after: int | None = None

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def generate(self, texts, **kw):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise KeyboardInterrupt   # Ctrl-C in the middle of the corpus
        if not kw.get("no_repeat_ngram_size"):
            self.first_pass.update(texts)
        return self.engine.generate(texts, **kw)


def make_corpus(folder: Path, seed_article: Path, n: int = 50) -> list[Path]:
    """``n`` short articles (3–6 sentences) from the seed's sentences; a byline in most, and
    sentences shared between articles."""
    rng = random.Random(11)
    pool = [s.text for s in segment_text(seed_article.read_text(encoding="utf-8"))
            if 3 <= len(s.text.split()) <= 25 and re.search(r"\w", s.text)]
    folder.mkdir()
    paths = []
    for i in range(n):
        body = rng.sample(pool, rng.randint(2, 5))
        if rng.random() < 0.7:
            body.append(BYLINE)
        path = folder / f"bai_{i:02d}.txt"
        path.write_text("\n\n".join(body) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def po_text(path: Path) -> str:
    """The PO without its revision date (the time it was written)."""
    return re.sub(r'"PO-Revision-Date: [^"]*"\n', "", path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def engine(tiny_model_dir):
    from toolkit.mt.translator import load_engine

    return load_engine(str(tiny_model_dir), engine="torch", device="cpu", beams=2)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory, tiny_model_dir, seed_article, engine):
    """The whole corpus in one run, and the corpus as inputs."""
    root = tmp_path_factory.mktemp("corpus")
    paths = make_corpus(root / "in", seed_article)
    counting = Counting(engine)
    options = RunOptions(model=str(tiny_model_dir), engine="torch", device="cpu", beams=2, glossary=None)
    report = translate_files(expand_inputs([root / "in"]), root / "out", options, engine_factory=lambda o: counting)
    return paths, root / "out", report, counting, options


def test_every_article_of_the_corpus_is_as_if_translated_alone(corpus_run, tmp_path, engine):
    paths, out, report, _, options = corpus_run
    assert [r.status for r in report] == [FileStatus.WRITTEN] * len(paths)
    alone_options = RunOptions(**{**vars(options), "use_tm": False})
    for path in paths[:: 10]:   # every tenth article, each alone in its own run without a TM
        (alone,) = translate_files([path], tmp_path / path.stem, alone_options, engine_factory=lambda o: engine)
        assert po_text(alone.po) == po_text(out / f"{path.stem}.po"), path.name
        assert alone.tsv.read_bytes() == (out / f"{path.stem}.tsv").read_bytes()


def test_a_sentence_repeated_across_articles_is_drafted_once(corpus_run):
    paths, _, report, counting, _ = corpus_run
    occurrences = Counter(s.text for p in paths for s in segment_text(p.read_text(encoding="utf-8")))
    assert occurrences[BYLINE] > 20 and sum(n > 1 for n in occurrences.values()) >= 5   # the corpus repeats
    assert set(counting.first_pass) == set(occurrences)       # every distinct sentence reached the engine…
    assert max(counting.first_pass.values()) == 1            # …once, whatever the number of articles it is in
    assert report.drafted == len(occurrences)


def test_interrupted_corpus_resumes_and_finishes_with_identical_outputs(corpus_run, monkeypatch, tmp_path, engine):
    import toolkit.workflow.corpus as corpus

    paths, out, _, _, options = corpus_run
    monkeypatch.setattr(corpus, "WINDOW_SEGMENTS", 12)        # windows of ~3 articles: some finish early
    monkeypatch.setattr(corpus, "DRAFT_CHUNK_SEGMENTS", 4)
    monkeypatch.setattr(engine, "max_batch_tokens", 1)        # one text per batch: rounds of 4 texts
    counting = Counting(engine)
    counting.fail_after = 4                                    # the corpus has 9 distinct sentences
    with pytest.raises(KeyboardInterrupt):
        translate_files(paths, tmp_path / "out", options, engine_factory=lambda o: counting)
    finished = sorted(p.name for p in (tmp_path / "out").glob("*.po"))
    assert 0 < len(finished) < len(paths)
    counting.fail_after, counting.first_pass = None, Counter()
    report = translate_files(paths, tmp_path / "out", options, engine_factory=lambda o: counting)
    assert sum(r.status is FileStatus.UP_TO_DATE for r in report) == len(finished)   # kept, recognised from the header
    already = {s.text for p in paths if f"{p.stem}.po" in finished for s in segment_text(p.read_text(encoding="utf-8"))}
    assert not already & set(counting.first_pass)             # nothing drafted twice: the TM served it
    for path in paths:
        assert po_text(tmp_path / "out" / f"{path.stem}.po") == po_text(out / f"{path.stem}.po"), path.name
        assert (tmp_path / "out" / f"{path.stem}.tsv").read_bytes() == (out / f"{path.stem}.tsv").read_bytes()


def test_up_to_date_corpus_is_recognised_from_headers_without_parsing(corpus_run, monkeypatch):
    import toolkit.workflow.merge as merge

    paths, out, first, _, options = corpus_run

    def no(*a, **k):
        raise AssertionError("an up-to-date article was parsed or merged")

    monkeypatch.setattr(merge, "load_for_merge", no)
    monkeypatch.setattr(merge, "merge_units", no)
    report = translate_files(paths, out, options, engine_factory=no)
    assert all(r.status is FileStatus.UP_TO_DATE for r in report)
    assert [r.segments for r in report] == [r.segments for r in first]
    assert [r.flags for r in report] == [r.flags for r in first]


def test_inputs_from_a_folder_a_pattern_and_a_manifest(tmp_path):
    import io

    (tmp_path / "d" / "sub").mkdir(parents=True)
    for name in ("d/a.txt", "d/sub/b.txt", "c.txt", "d/notes.md"):
        (tmp_path / name).write_text("Xin chào.\n", encoding="utf-8")
    manifest = io.StringIO(f"# articles\n{tmp_path / 'c.txt'}\n\n")
    got = expand_inputs([tmp_path / "d", str(tmp_path / "*.txt"), "-", tmp_path / "c.txt"], stdin=manifest)
    assert got == [tmp_path / "d" / "a.txt", tmp_path / "d" / "sub" / "b.txt", tmp_path / "c.txt"]
