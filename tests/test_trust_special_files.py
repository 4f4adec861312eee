"""Issue 12, special files: what is not a regular file of the project in deals/ is refused.

`dealsite check` reads every *.yaml in deals/. A directory, a dangling symlink, a FIFO (which
blocks whoever opens it), a symlink to /dev/zero (endless) or to a file outside the project (a
file of the build machine, which must not be echoed in messages) must each make check exit 1,
promptly, naming the file, with no traceback.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from trust_support import copy_project, dealsite, problem_lines

pytestmark = pytest.mark.xdist_group("trust-special")

CANARY = "zqxspecialcanary"
GIB = 1024**3


def _directory(deals: Path, outside: Path) -> None:
    (deals / "x.yaml").mkdir()
    (deals / "x.yaml" / "inner.yaml").write_text("title: inner\n", encoding="utf-8")


def _dangling(deals: Path, outside: Path) -> None:
    (deals / "y.yaml").symlink_to(outside / "no-such-file.yaml")


def _fifo(deals: Path, outside: Path) -> None:
    os.mkfifo(deals / "z.yaml")


def _dev_zero(deals: Path, outside: Path) -> None:
    (deals / "w.yaml").symlink_to("/dev/zero")


def _outside(deals: Path, outside: Path) -> None:
    secret = outside / "passwd"
    secret.write_text(f"root:x:0:0:{CANARY}:/root:/bin/bash\n", encoding="utf-8")
    (deals / "v.yaml").symlink_to(secret)


CASES = {
    "x.yaml": _directory,
    "y.yaml": _dangling,
    "z.yaml": _fifo,
    "w.yaml": _dev_zero,
    "v.yaml": _outside,
}


@pytest.mark.parametrize("name", list(CASES), ids=["directory", "dangling-symlink", "fifo", "symlink-to-dev-zero", "symlink-outside-project"])
def test_check_refuses_a_special_file_in_deals(name, tmp_path):
    project = copy_project(tmp_path / "project")
    outside = tmp_path / "machine"
    outside.mkdir()
    CASES[name](project / "deals", outside)
    try:
        result = dealsite(project, "check", timeout=20, memory=2 * GIB)
    except subprocess.TimeoutExpired:
        pytest.fail(f"dealsite check did not finish within 20 s with deals/{name}")
    output = result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert CANARY not in output, output[-3000:]
    assert result.returncode == 1, output[-3000:]
    assert problem_lines(result.stderr, name), f"no line naming {name} with a reason:\n{result.stderr[-3000:]}"
