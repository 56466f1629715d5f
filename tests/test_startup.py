"""Commands that need no model never import torch, transformers or ctranslate2 (issue 6, start-up).

Checked through ``sys.modules`` in a fresh interpreter, not by timing (timing is the benchmark's job).
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "ctranslate2")

CHECK = """
import json, sys
import toolkit.cli
from toolkit.cli import app
from click.testing import CliRunner
r = CliRunner().invoke(app, {args!r}, catch_exceptions=False)
print(json.dumps({{"heavy": [m for m in {heavy!r} if m in sys.modules], "code": r.exit_code}}))
"""


def _heavy_after(args: list[str], tmp_path) -> dict:
    code = CHECK.format(args=args, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_cli_imports_no_ml_library(tmp_path):
    assert _heavy_after(["--help"], tmp_path)["heavy"] == []


# translate/model --help: their choice lists come from the engine modules, which must stay light.
@pytest.mark.parametrize("command", ["segment", "export", "glossary", "render", "model", "translate"])
def test_light_commands_import_no_ml_library(command, tmp_path, seed_article):
    args = {"segment": ["segment", str(seed_article)]}.get(command, [command, "--help"])
    result = _heavy_after(args, tmp_path)
    assert result["heavy"] == [], f"`bitext {' '.join(args)}` imported {result['heavy']}"
