"""Run the ``dealsite`` command as if ProperDocs were the only engine installed.

    python tests/properdocs_only.py build -f PROJECT/mkdocs.yml ...
    python tests/properdocs_only.py pytest tests/test_engine_mkdocs.py   (pytest, likewise)

The test environment has both MkDocs (a runtime dependency) and ProperDocs (a test
dependency) installed, and a plain ``import mkdocs`` would find the real one. A second
virtual environment without MkDocs cannot be made from the project's own pins (Material
requires ``mkdocs``), so this process hides MkDocs instead: a finder placed first on
``sys.meta_path`` refuses the name ``mkdocs`` and every ``mkdocs.*`` module, as Python does
when a package is not installed. ProperDocs' own alias (``properdocs.replacement``) is put
in front of it only if our adapter imports it; it then answers ``mkdocs.*`` with
``properdocs.*`` and the real package is never read.

On a normal exit the process checks that no module of the real MkDocs package was loaded
and prints ``engine: properdocs`` to stderr; a run that loaded MkDocs prints the modules
and exits 3, so a test cannot pass on the wrong engine. (A server stopped by a signal
exits before the check: the serve test reads ProperDocs' generator tag from the served
page instead.)
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class NoMkDocs(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == "mkdocs" or fullname.startswith("mkdocs."):
            raise ModuleNotFoundError(f"No module named {fullname!r} (hidden: ProperDocs stands in for MkDocs)", name=fullname)
        return None


def main() -> int:
    real = importlib.util.find_spec("mkdocs")
    real_dir = os.path.dirname(real.origin) + os.sep if real is not None and real.origin else None
    sys.meta_path.insert(0, NoMkDocs())
    sys.path.insert(0, str(REPO))
    if sys.argv[1:2] == ["pytest"]:
        import pytest

        status = pytest.main(["-p", "no:cacheprovider", *sys.argv[2:]])
    else:
        from generator.cli import main as dealsite

        status = dealsite(sys.argv[1:])
    loaded = sorted(
        name for name, module in list(sys.modules.items())
        if real_dir and (getattr(module, "__file__", None) or "").startswith(real_dir)
    )
    if loaded or sys.modules.get("mkdocs") is not sys.modules.get("properdocs"):
        print(f"engine: MkDocs was loaded after all: {loaded}", file=sys.stderr)
        return 3
    print("engine: properdocs", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
