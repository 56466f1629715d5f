"""A normal (non-editable) install works away from the clone: the curated term base and the
test-checkpoint builder's training texts are package data, not paths into the checkout.

The package is built from a copy of the sources and installed with ``pip install --no-deps
--no-build-isolation`` into a fresh virtual environment (offline, seconds); the installed ``bitext``
then runs from an unrelated folder with the tiny checkpoint.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import polib
import pytest

from toolkit.terms.termbase import Glossary

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "toolkit" / "data" / "vi-en.tsv"
ARTICLE = "Bộ đội Biên phòng tỉnh Lạng Sơn tuần tra biên giới.\n"


def _run(cmd, *, cwd: Path, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"{cmd}\n{p.stdout}\n{p.stderr}"
    return p


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict]:
    """(bin folder of a venv with the package installed non-editable, environment to run it in)."""
    base = tmp_path_factory.mktemp("install")
    src = base / "src"   # a copy, so the build leaves no build/ or egg-info in the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "toolkit", src / "toolkit", ignore=shutil.ignore_patterns("__pycache__"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    bin_dir = venv / "bin"
    # The test environment is itself usually a venv, whose packages (torch, click, pip, setuptools)
    # are not the base interpreter's "system" ones: a .pth file appends them. Only its paths are
    # added (.pth files inside it are not run), so the clone's editable install stays invisible.
    purelib = subprocess.run([bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    outer = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    Path(purelib, "outer-env.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    _run([bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
          "--ignore-installed", src], cwd=base, env=env)
    return bin_dir, env


@pytest.mark.slow
def test_installed_package_is_imported_from_the_venv_not_the_clone(installed, tmp_path):
    bin_dir, env = installed
    where = _run([bin_dir / "python", "-c", "import toolkit; print(toolkit.__file__)"], cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent)


@pytest.mark.slow
def test_installed_bitext_uses_the_curated_glossary_from_another_folder(installed, tmp_path, tiny_model_dir):
    bin_dir, env = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "art.txt").write_text(ARTICLE, encoding="utf-8")
    _run([bin_dir / "bitext", "translate", "art.txt", "-o", "out", "--model", tiny_model_dir, "--beams", "1", "-q",
          "--no-tm"], cwd=elsewhere, env=env)
    header = polib.pofile(str(elsewhere / "out" / "art.po")).metadata
    assert header["X-Glossary-Checksum"] == Glossary.load(CURATED).checksum


@pytest.mark.slow
def test_installed_checkpoint_builder_works_from_another_folder(installed, tmp_path):
    bin_dir, env = installed
    _run([bin_dir / "python", "-m", "toolkit.testing.marian_builder", "ckpt", "--fit-steps", "0"], cwd=tmp_path,
         env=env)
    assert {"config.json", "source.spm", "target.spm", "vocab.json", "model.safetensors"} <= set(
        os.listdir(tmp_path / "ckpt"))
