"""The generated fixture folders are exactly what tests/fixtures/build_site.py makes.

Renders every generated folder (kazakhstan/site, legacy, redesign, paragraphs, languages, tomorrow
and global/site) from the yaml files into a temporary directory and compares it with the committed
tree file by file, names and bytes: it fails when a generated page was edited by hand, or a yaml
file (or the builder) was changed without rebuilding.
"""

from __future__ import annotations

import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
sys.path.insert(0, str(FIXTURES))

import build_site  # noqa: E402  (tests/fixtures/build_site.py)


def _tree(root: Path) -> dict:
    """{relative posix name: bytes} of every file under ``root``."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_fixtures_are_fresh(tmp_path):
    rendered = build_site.render_all()
    assert set(rendered) == {"kazakhstan/site", "kazakhstan/legacy", "kazakhstan/redesign", "kazakhstan/paragraphs",
                             "kazakhstan/languages", "kazakhstan/tomorrow", "global/site"}
    stale = []
    for folder, files in rendered.items():
        build_site.write_files(tmp_path / folder, files)
        fresh, committed = _tree(tmp_path / folder), _tree(FIXTURES / folder)
        for name in sorted(fresh.keys() | committed.keys()):
            if name not in committed:
                stale.append(f"missing: {folder}/{name}")
            elif name not in fresh:
                stale.append(f"extra (the builder does not make it): {folder}/{name}")
            elif fresh[name] != committed[name]:
                stale.append(f"differs: {folder}/{name}")
    assert not stale, (
        f"{len(stale)} generated fixture file(s) under tests/fixtures/ are not what the builder makes "
        "from the yaml files (edited by hand, or a yaml/builder change not rebuilt). Run "
        "`python tests/fixtures/build_site.py` and commit the result:\n  " + "\n  ".join(stale))
