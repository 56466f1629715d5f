"""The Translator wrapper: de-duplication, long-input splitting (b09), loop checks (b10)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from fakes import EchoEngine
from toolkit.mt.batching import plan_batches
from toolkit.mt.checks import LoopCheck, has_letters
from toolkit.mt.translator import Translator

DATA = Path(__file__).parent / "data" / "pipeline"


def b09_list_sentence() -> str:
    return (DATA / "b09_article.txt").read_text(encoding="utf-8").split("\n\n")[1].strip()


def test_identical_texts_are_translated_once():
    engine = EchoEngine()
    out = Translator(engine)(["Hà Nội mưa.", "Giá vàng giảm.", "Hà Nội mưa."], 1)
    assert [h[0].text for h in out] == ["Hà Nội mưa.", "Giá vàng giảm.", "Hà Nội mưa."]
    assert engine.seen == ["Hà Nội mưa.", "Giá vàng giảm."]


def test_b09_long_segment_is_split_at_clause_boundaries_and_nothing_is_lost():
    text = b09_list_sentence()
    engine = EchoEngine(max_input_tokens=120)
    (hyps,) = Translator(engine)([text], 1)
    draft = hyps[0]
    assert all(n <= 120 for n in engine.count_tokens(engine.seen)), "a chunk exceeded the model limit"
    chunks = int(next(f for f in draft.flags if re.fullmatch(r"mt-split:\d+", f)).split(":")[1])
    assert chunks == len(engine.seen) > 1
    # every item "thôn <name> <N> (<count> hộ)" survives, in order (b09 expected.md point 3)
    numbers = [int(n) for n in re.findall(r"(\d+) \(", draft.text)]
    assert numbers == list(range(1, 161))
    assert "mt-split:hard" not in draft.flags      # commas were enough, no cut between words
    # chunks end at clause boundaries
    assert all(c.endswith((",", ":", ";")) for c in engine.seen[:-1])


def test_b09_clause_longer_than_the_limit_is_cut_between_words_and_flagged():
    text = " ".join(["từ"] * 50)
    engine = EchoEngine(max_input_tokens=30)
    (hyps,) = Translator(engine)([text], 1)
    assert "mt-split:hard" in hyps[0].flags
    assert hyps[0].text.split() == text.split()


def test_empty_text_is_refused_before_the_engine():
    with pytest.raises(ValueError):
        Translator(EchoEngine())(["  "], 1)


def test_b10_loop_is_retried_with_no_repeat_ngram_and_clears():
    def loop_unless_blocked(text, no_repeat):
        return text if no_repeat else "I'm sorry, " * 6

    engine = EchoEngine(rewrite=loop_unless_blocked)
    (hyps,) = Translator(engine)(["lol ae ơi hôm nay đi đâu vậy"], 1)
    assert [c["no_repeat_ngram_size"] for c in engine.calls] == [0, 3]
    assert hyps[0].text == "lol ae ơi hôm nay đi đâu vậy"
    assert not any(f.startswith("mt-check") for f in hyps[0].flags)
    assert "mt-retried:no-repeat-ngram" in hyps[0].flags


def test_b10_persistent_loop_keeps_its_flag():
    engine = EchoEngine(rewrite=lambda text, _: "URGENT " * 12)
    (hyps,) = Translator(engine)(["!!! KHẨN !!! KHẨN !!! KHẨN !!!"], 1)
    assert "mt-check:repetition" in hyps[0].flags


def test_b10_loop_detector_flags_exactly_the_looping_rows():
    rows = list(csv.DictReader((DATA / "b10_simulated_mt.tsv").open(encoding="utf-8"), delimiter="\t"))
    flagged = [r["id"] for r in rows if LoopCheck().problem(r["source"], r["draft"])]
    assert flagged == ["seg-0002", "seg-0003", "seg-0004", "seg-0006"]


@pytest.mark.parametrize("text,expected", [
    ("", False), (" ", False), ("\u00a0", False), ("-", False), ("—", False), ("* * *", False),
    ("…", False), ("1.", False), ("2024", False), ("(*)", False), ("###", False), ("Hết.", True),
])
def test_b08_only_text_with_letters_is_translatable(text, expected):
    assert has_letters(text) is expected


def test_token_budget_batches_cover_every_item_once_longest_first():
    lengths = [5, 30, 7, 30, 2, 12, 400]
    batches = plan_batches(lengths, max_batch_tokens=60, max_batch_size=8)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert batches[0] == [6]                               # over-budget item alone
    for b in batches:
        assert len(b) == 1 or max(lengths[i] for i in b) * len(b) <= 60


class BatchingEcho(EchoEngine):
    """EchoEngine that batches like the real engines (token budget) and records each batch it runs."""

    def __init__(self, max_batch_tokens: int):
        super().__init__()
        self.max_batch_tokens = max_batch_tokens
        self.ran: list[list[str]] = []

    def batches(self, texts):
        return plan_batches(self.count_tokens(texts), self.max_batch_tokens)

    def generate(self, texts, **kw):
        texts = list(texts)
        self.ran.extend([texts[i] for i in b] for b in self.batches(texts))
        return super().generate(texts, **kw)


def _sentences(n: int) -> list[str]:
    words = "hôm nay giá vàng trong nước tăng mạnh theo đà thế giới".split()
    return [" ".join(words[(i * 7) % len(words):] + words[:(i * 3) % 9 + 1]) + f" {i}." for i in range(n)]


def test_rounds_are_whole_engine_batches_so_no_batch_runs_part_filled():
    texts = _sentences(200)
    engine = BatchingEcho(max_batch_tokens=64)
    translator = Translator(engine)
    whole = engine.batches(texts)
    rounds = translator.rounds(texts, at_least=25)
    assert sorted(t for r in rounds for t in r) == sorted(texts)              # every text once
    assert all(len(r) >= 25 for r in rounds[:-1]) and len(rounds) > 3
    for r in rounds:
        translator(r, 1)
    # drafting round by round runs exactly the batches of drafting everything in one call
    assert engine.ran == [[texts[i] for i in b] for b in whole]
    # whereas cutting every 25 texts would run more (part-filled) batches
    by_count = [b for k in range(0, len(texts), 25) for b in engine.batches(sorted(texts, key=len)[k:k + 25])]
    assert len(by_count) > len(whole)


def test_rounds_of_an_engine_without_batches_are_fixed_counts_of_distinct_texts():
    rounds = Translator(EchoEngine()).rounds([f"câu {i}" for i in range(10)] + ["câu 3"], at_least=4)
    assert [len(r) for r in rounds] == [4, 4, 2]          # the repeated text is in one round only
    with pytest.raises(ValueError):
        Translator(EchoEngine()).rounds(["câu"], at_least=0)


def test_rounds_refuse_an_engine_whose_batches_lose_a_text():
    engine = BatchingEcho(max_batch_tokens=64)
    engine.batches = lambda texts: [[0]]
    with pytest.raises(RuntimeError, match="did not list each of 2 texts once"):
        Translator(engine).rounds(["một hai", "ba"], at_least=1)
