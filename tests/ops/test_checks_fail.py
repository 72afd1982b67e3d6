"""`make checks` fails on a lint error, an unformatted file and a type error.

Each check runs the way the Makefile runs it — the venv's ruff and mypy with the project's pyproject.toml — on a
tiny file written to a temporary directory; a clean file is the control, so a failure is the bad line's, not the
configuration's.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .services import ROOT

BIN = Path(sys.executable).parent
CONFIG = str(ROOT / "pyproject.toml")

CLEAN = "def double(count: int) -> int:\n    return count * 2\n"
LINT_ERROR = "import os\n\n\ndef double(count: int) -> int:\n    return count * 2\n"  # F401: unused import
UNFORMATTED = "def double(count: int) -> int:\n    return count*2\n"  # ruff format writes `count * 2`
TYPE_ERROR = 'def double(count: int) -> int:\n    return "twice"\n'  # returns str where int is declared


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def ruff_check(path: Path) -> subprocess.CompletedProcess[str]:
    return run(str(BIN / "ruff"), "check", "--config", CONFIG, "--no-cache", str(path))


def ruff_format_check(path: Path) -> subprocess.CompletedProcess[str]:
    return run(str(BIN / "ruff"), "format", "--check", "--config", CONFIG, "--no-cache", str(path))


def mypy(path: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return run(str(BIN / "mypy"), "--config-file", CONFIG, "--cache-dir", str(cache), str(path))


@pytest.fixture
def module(tmp_path):
    def write(text: str) -> Path:
        path = tmp_path / "sample.py"
        path.write_text(text)
        return path

    return write


def test_make_checks_runs_ruff_check_ruff_format_and_mypy():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^checks:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "Makefile has no checks target"
    lines = recipe.group(1)
    assert re.search(r"ruff check\b(?!.*--select)", lines), "checks must run ruff check with the pyproject rules"
    assert "ruff format --check" in lines
    assert re.search(r"mypy \.", lines)
    assert re.search(r"^test:.*\bchecks\b", makefile, re.MULTILINE), "make test must run checks"


def test_ruff_check_fails_on_a_lint_error(module):
    assert ruff_check(module(CLEAN)).returncode == 0
    result = ruff_check(module(LINT_ERROR))
    assert result.returncode != 0
    assert "F401" in result.stdout


def test_ruff_format_check_fails_on_an_unformatted_file(module):
    assert ruff_format_check(module(CLEAN)).returncode == 0
    result = ruff_format_check(module(UNFORMATTED))
    assert result.returncode != 0
    assert "Would reformat" in result.stdout


def test_mypy_fails_on_a_type_error(module, tmp_path):
    cache = tmp_path / "mypy-cache"
    clean = mypy(module(CLEAN), cache)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    result = mypy(module(TYPE_ERROR), cache)
    assert result.returncode != 0
    assert "Incompatible return value type" in result.stdout
    assert "[return-value]" in result.stdout


def test_the_pre_commit_hooks_run_the_same_tools_from_the_venv():
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    for entry in (".venv/bin/ruff check", ".venv/bin/ruff format --check", ".venv/bin/mypy ."):
        assert entry in config
