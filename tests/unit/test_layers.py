"""The layering of the code (pyproject.toml, [tool.importlinter]): no cycles, no backward imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# lint-imports runs in its own process: in-process it reconfigures logging (logging.config.dictConfig
# disables the loggers that exist), which would silence the log assertions of later tests.
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"


def test_the_import_contracts_are_kept():
    result = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (
        "an import breaks the layering (see pyproject.toml [tool.importlinter]):\n" + result.stdout[-3000:]
    )
