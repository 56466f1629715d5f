"""The import layering of pyproject.toml ``[tool.importlinter]`` holds, and it catches a wrong arrow.

``lint-imports`` (import-linter) is also run by ``.ci/run`` before the tests; these tests make a
contract that could never fail visible: a copy of the package with one deliberately wrong import
must be reported, naming the offending line.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists() and shutil.which("lint-imports") is None,
                                reason="import-linter not installed (pip install -e .[test])")


def _lint(root: Path) -> subprocess.CompletedProcess:
    exe = str(LINT) if LINT.exists() else shutil.which("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([exe, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def _copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "toolkit", tmp_path / "toolkit", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_package_keeps_its_import_contracts():
    r = _lint(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


@pytest.mark.parametrize("module, line, message", [
    # a low layer importing a high one
    ("text/files.py", "import toolkit.workflow.pipeline", "toolkit.text is not allowed to import toolkit.workflow"),
    # independent siblings: mt must not reach into terms
    ("mt/split.py", "import toolkit.terms.termbase", "toolkit.mt is not allowed to import toolkit.terms"),
    # the product importing a test helper
    ("workflow/render.py", "import toolkit.testing.marian_builder", "toolkit.testing"),
    # segmentation loading an ML library directly
    ("segment/rules.py", "import torch", "toolkit.segment is not allowed to import torch"),
])
def test_a_wrong_way_import_breaks_a_contract(tmp_path, module, line, message):
    root = _copy(tmp_path)
    target = root / "toolkit" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # deliberately wrong\n", encoding="utf-8")
    r = _lint(root)
    assert r.returncode != 0, r.stdout
    assert message in r.stdout, r.stdout
    assert f"toolkit.{module[:-3].replace('/', '.')}" in r.stdout


def test_a_new_subpackage_must_be_given_a_layer(tmp_path):
    root = _copy(tmp_path)
    (root / "toolkit" / "extras").mkdir()
    (root / "toolkit" / "extras" / "__init__.py").write_text("", encoding="utf-8")
    r = _lint(root)
    assert r.returncode != 0
    assert "extras" in r.stdout
