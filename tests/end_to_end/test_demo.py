"""The README's offline demo on a port of one's choosing: the fixture server run by hand, as a process.

``python tests/support/fixture_server.py --port N --write-config demo-config.yaml`` serves the
fixture site on N and writes a config pointed at it; ``scrape run`` archives it from there; the
server stops on SIGINT (Ctrl-C) or SIGTERM (``kill PID``) with exit 0 and frees the port; a port in
use is refused with exit 2 and a message naming it.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.helpers import query, scrape

SERVER = Path(__file__).parent.parent / "support" / "fixture_server.py"


def _start(*args: str) -> tuple[subprocess.Popen, str, list[str]]:
    server = subprocess.Popen([sys.executable, str(SERVER), *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    lines = []
    for line in server.stdout:
        lines.append(line)
        found = re.search(r"serving kazakhstan fixture site at (http://127\.0\.0\.1:\d+) \(pid (\d+)", line)
        if found:
            assert int(found[2]) == server.pid
            return server, found[1], lines
    server.wait(timeout=10)
    raise AssertionError(f"the fixture server did not start: {lines} {server.stderr.read()}")


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_demo_on_another_port_archives_the_site_and_stops_cleanly(tmp_path, stop):
    config = tmp_path / "demo-config.yaml"
    server, base_url, lines = _start("--port", "0", "--write-config", str(config))
    try:
        port = int(base_url.rsplit(":", 1)[1])
        assert port != 8765
        text = config.read_text(encoding="utf-8")
        assert f"base_url: {base_url}" in text and "127.0.0.1:8765" not in text.split("sites:")[1]  # not the default
        assert f"archive: {tmp_path / 'demo.db'}" in text
        assert any("wrote" in line and str(config) in line for line in lines)
        result = scrape("run", "--config", str(config), "--since", "2021-01-01", "--quiet")
        assert result.exit_code == 0, result.output
        assert query(tmp_path / "demo.db", "SELECT count(*) FROM releases")[0][0] == 24
        assert {row[0] for row in query(tmp_path / "demo.db", "SELECT DISTINCT lang FROM releases")} == {"en", "ru", "kk"}
    finally:
        server.send_signal(stop)
        code = server.wait(timeout=10)
    assert code == 0, server.stderr.read()
    assert _port_is_free(port)


def test_demo_port_in_use_is_refused_with_a_message(tmp_path):
    server, base_url, _ = _start("--port", "0")
    try:
        port = base_url.rsplit(":", 1)[1]
        second = subprocess.run([sys.executable, str(SERVER), "--port", port], capture_output=True, text=True,
                                timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert second.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in second.stderr and "--port" in second.stderr
    assert "Traceback" not in second.stderr
