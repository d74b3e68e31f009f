"""docs/api.md's example client (curl and Python requests) runs against the demo, served live."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from placement import create_app
from placement.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.S)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`placement demo` into a fresh SQLite file, then that database served on a free port."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    result = CliRunner().invoke(
        main, ["demo", "--no-serve"], env={"DATABASE_URL": url, "SECRET_KEY": ""}
    )
    assert result.exit_code == 0, result.output
    token = re.search(r"University API \(.+\): Authorization: Bearer (\S+)", result.output)
    assert token, result.output
    app = create_app({"DEMO": True, "SQLALCHEMY_DATABASE_URI": url, "MAIL_BACKEND": "locmem"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            "API": f"http://127.0.0.1:{server.server_port}/api/v1",
            "TOKEN": token.group(1),
            "PATH": os.environ["PATH"],
        }
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_the_documented_python_client_runs_against_the_demo(demo):
    [code] = blocks("python")
    done = subprocess.run(
        [sys.executable, "-c", code], env=demo, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "invitation: invited"
    assert lines[1] == "12 students share their progress"
    assert lines[2] == "422 application/problem+json stage"


def test_the_documented_curl_commands_run_against_the_demo(demo):
    [script] = blocks("sh")
    # The export line shows where the values go; the test gives its own.
    commands = "\n".join(line for line in script.splitlines() if not line.startswith("export "))
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", commands],
        env=demo,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert '"items":' in done.stdout
    # Invited by this command, or already by the Python example: the same batch twice is safe.
    assert re.search(r'"outcome":"(invited|already_registered)"', done.stdout.replace(" ", ""))
