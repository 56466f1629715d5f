"""The Ray path in local mode (``ray.init(num_cpus=2)``, tiny checkpoint, 2 drafting actors).

One Ray instance for the module (starting Ray costs tens of seconds on a loaded 2-core machine).
Outputs are compared byte for byte with the local corpus path, apart from the PO revision date.
CI installs the ``ray`` extra; elsewhere the module is skipped when Ray is not importable.
"""
from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path

import pytest

from toolkit.segment.segmenter import segment_text
from toolkit.workflow.pipeline import RunOptions, translate_files
from toolkit.workflow.report import FileStatus

if not os.environ.get("CI"):
    pytest.importorskip("ray")

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def ray_local():
    import ray

    # Workers import this module to unpickle the engine factories below; the package itself
    # comes from the installed (or PYTHONPATH) toolkit, as on a cluster.
    path = os.pathsep.join([str(HERE), str(HERE.parent), os.environ.get("PYTHONPATH", "")])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": path}})
    yield ray
    ray.shutdown()


class TinyEngine:
    """Engine factory (picklable) that loads the tiny checkpoint in the actor."""

    def __init__(self, die_once_marker: str | None = None):
        self.marker = die_once_marker

    def __call__(self, options):
        from toolkit.mt.translator import load_engine

        engine = load_engine(options.model, engine="torch", device="cpu", beams=options.beams,
                             threads=options.ray_threads)
        if self.marker is not None:
            return DiesOnce(engine, self.marker)
        return engine


class DiesOnce:
    """The first generate call anywhere kills its worker process (as an OOM kill or a lost node would)."""

    def __init__(self, engine, marker: str):
        self.engine, self.marker = engine, marker

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def generate(self, texts, **kw):
        if not os.path.exists(self.marker):
            Path(self.marker).write_text(str(os.getpid()))
            os._exit(1)
        return self.engine.generate(texts, **kw)


def corpus(folder: Path, seed_article: Path, n: int = 12) -> list[Path]:
    rng = random.Random(5)
    pool = [s.text for s in segment_text(seed_article.read_text(encoding="utf-8")) if 3 <= len(s.text.split()) <= 25]
    folder.mkdir()
    paths = []
    for i in range(n):
        path = folder / f"tin_{i:02d}.txt"
        path.write_text("\n\n".join(rng.sample(pool, rng.randint(2, 4)) + ["Ảnh minh họa."]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def po_text(path: Path) -> str:
    return re.sub(r'"PO-Revision-Date: [^"]*"\n', "", path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def local_run(tmp_path_factory, tiny_model_dir, seed_article):
    root = tmp_path_factory.mktemp("ray-corpus")
    paths = corpus(root / "in", seed_article)
    options = RunOptions(model=str(tiny_model_dir), engine="torch", device="cpu", beams=2, glossary=None)
    translate_files(paths, root / "local", options, engine_factory=TinyEngine())
    return paths, root, options


def assert_same_outputs(paths, a: Path, b: Path) -> None:
    for p in paths:
        assert po_text(a / f"{p.stem}.po") == po_text(b / f"{p.stem}.po"), p.name
        assert (a / f"{p.stem}.tsv").read_bytes() == (b / f"{p.stem}.tsv").read_bytes(), p.name


def test_ray_outputs_are_byte_identical_to_the_local_path(ray_local, local_run):
    paths, root, options = local_run
    ray_options = RunOptions(**{**vars(options), "ray": "auto", "ray_actors": 2})
    report = translate_files(paths, root / "ray", ray_options, engine_factory=TinyEngine())
    assert [r.status for r in report] == [FileStatus.WRITTEN] * len(paths)
    assert report.engine_loaded and report.settings.startswith("engine=torch;device=cpu")
    assert_same_outputs(paths, root / "local", root / "ray")


def test_a_worker_killed_mid_run_is_retried_and_outputs_are_unchanged(ray_local, local_run):
    paths, root, options = local_run
    marker = root / "killed.pid"
    ray_options = RunOptions(**{**vars(options), "ray": "auto", "ray_actors": 2})
    translate_files(paths, root / "ray-killed", ray_options, engine_factory=TinyEngine(str(marker)))
    assert marker.exists() and int(marker.read_text()) != os.getpid()   # a worker did die
    assert_same_outputs(paths, root / "local", root / "ray-killed")


def test_cli_ray_flag_reaches_the_ray_path(ray_local, local_run, capsys):
    from toolkit.cli import main

    paths, root, options = local_run
    args = ["translate", *map(str, paths), "-o", str(root / "cli"), "--model", options.model, "--engine", "torch",
            "--device", "cpu", "--beams", "2", "--no-glossary", "--ray", "auto", "--ray-actors", "1"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert f"[{len(paths)}/{len(paths)}]" in err        # per-article lines when stderr is not a terminal
    assert_same_outputs(paths, root / "local", root / "cli")
    assert sys.modules.get("ray") is not None


def test_actor_calls_balance_the_pool_and_stay_within_bounds():
    from toolkit.workflow.ray_corpus import (CALLS_PER_ACTOR, MIN_TEXTS_PER_ACTOR_CALL, TEXTS_PER_ACTOR_CALL,
                                             texts_per_call)

    assert texts_per_call(152, 2) == 19          # 8 calls: 4 per actor
    assert -(-152 // texts_per_call(152, 2)) >= 2 * CALLS_PER_ACTOR
    assert texts_per_call(100_000, 2) == TEXTS_PER_ACTOR_CALL
    assert texts_per_call(5, 2) == texts_per_call(0, 0) == MIN_TEXTS_PER_ACTOR_CALL


def test_a_cpu_actor_gives_the_engine_its_own_threads_not_the_nodes(monkeypatch, tiny_model_dir):
    """Each CPU actor's engine runs ``ray_threads`` threads: left to its default, every actor would
    take all the node's CPUs and N actors would oversubscribe it N times (issue 15)."""
    import toolkit.mt.translator as translator
    from toolkit.workflow.options import RunOptions
    from toolkit.workflow.ray_corpus import DraftActor

    seen = {}

    def fake_load_engine(model, **kw):
        seen.update(kw)
        raise RuntimeError("stop here")

    monkeypatch.setattr(translator, "load_engine", fake_load_engine)
    with pytest.raises(RuntimeError, match="stop here"):
        DraftActor(RunOptions(model=str(tiny_model_dir), glossary=None, ray_threads=3), None, threads=3)
    assert seen["threads"] == 3
