"""The package's shape holds: layers import one way, no module grows past what one reads at a sitting.

The contracts themselves are in pyproject.toml ([tool.importlinter]); this runs them in
`make test`, so a change that imports up a layer, or makes the core import MkDocs, fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAX_LINES = 450  # "about 400": a module a newcomer reads at one sitting


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint), "--config", str(REPO / "pyproject.toml")], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_module_of_the_package_is_longer_than_about_400_lines():
    long = {
        str(path.relative_to(REPO)): n
        for path in (REPO / "generator").rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_benchmark_is_not_shipped_inside_the_package():
    assert not (REPO / "generator" / "bench.py").exists()
    assert (REPO / "benchmarks" / "bench.py").is_file() and (REPO / "benchmarks" / "corpus.py").is_file()


def test_every_engine_module_outside_the_adapter_is_held_to_not_importing_mkdocs():
    """The forbidden contract names its modules one by one: a new module in engine/ left off
    the list could import MkDocs unnoticed (five were, before this test)."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "forbidden")
    engine = {f"generator.engine.{p.stem}" for p in (REPO / "generator" / "engine").glob("*.py") if p.stem != "__init__"}
    assert engine - set(contract["source_modules"]) == set()
