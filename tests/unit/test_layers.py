"""The layering of the code (pyproject.toml, [tool.importlinter]): no cycles, no backward imports."""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_import_contracts_are_kept(capsys):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        os.chdir(cwd)
    report = capsys.readouterr().out
    assert code == 0, "an import breaks the layering (see pyproject.toml [tool.importlinter]):\n" + report[-3000:]
