"""The code base passes ruff with the rules in pyproject.toml (imports sorted, no unused names, bugbear, 120 cols)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "harrier_explorer", "benchmarks",
                             "tests", "app.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
