"""Helpers for the hostile-input tests: run the CLI in a subprocess and check its error line."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parent / "hostile_runner.py"
HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n'
          '"Language: en\\n"\n"X-Source-Language: vi\\n"\n\n')
"""A PO header naming the languages; ``charset`` is filled in per test."""


def bitext(*args, cwd: Path, runner: bool = False, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m toolkit ARGS`` (or the echo-engine runner) and capture its output."""
    cmd = [sys.executable, str(RUNNER)] if runner else [sys.executable, "-m", "toolkit"]
    return subprocess.run(cmd + [str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def assert_one_line_error(p: subprocess.CompletedProcess, code: int, *fragments: str) -> str:
    """Exit ``code``, a single ``bitext: error:`` line containing every fragment, no traceback."""
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("bitext: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert p.returncode == code, (p.returncode, p.stderr)
    return lines[0]
