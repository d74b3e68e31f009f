"""What a newcomer meets first: the files the README and the package name exist; a favicon."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_file_the_readme_links_or_names_exists_in_the_repository():
    readme = (ROOT / "README.md").read_text()
    linked = re.findall(r"\]\(([^)#:]+)\)", readme)
    named = re.findall(r"\b([\w./-]+\.md)\b", readme)
    assert linked and named
    for path in {*linked, *named}:
        assert (ROOT / path).exists(), f"README.md names {path}, which the repository lacks"


def test_every_path_the_source_distribution_includes_exists():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = config["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    assert "NOTICE" in included
    for path in included:
        assert (ROOT / path).exists(), f"pyproject.toml includes {path}, which does not exist"
    notice = (ROOT / "NOTICE").read_text()
    for needed in ("govuk-frontend", "Crown Copyright", "MIT", "ESCO", "Open Government Licence"):
        assert needed.lower() in notice.lower(), needed


def test_the_readme_says_what_the_demo_and_test_scripts_do_with_their_arguments():
    readme = (ROOT / "README.md").read_text()
    assert "Arguments after `scripts/demo` go to `placement demo`" in readme
    assert 'exec .venv/bin/placement demo "$@"' in (ROOT / "scripts" / "demo").read_text()
    assert "`scripts/test --deep`" in readme


def test_every_page_names_the_services_own_favicon_and_it_is_served(client):
    page = client.get("/accessibility").get_data(as_text=True)
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert "/favicon.ico" in icons and any(icon.endswith(".svg") for icon in icons)
    for icon in icons:
        response = client.get(icon)
        assert response.status_code == 200, icon
        body = response.get_data()
        response.close()
        assert body.startswith(b"\x00\x00\x01\x00") or b"<svg" in body
    assert client.get("/favicon.ico").mimetype == "image/vnd.microsoft.icon"


def test_a_test_run_leaves_no_database_folder_behind(tmp_path):
    environment = {**os.environ, "PYTEST_DB_DIR": str(tmp_path)}
    environment.pop("TEST_DATABASE_URL", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "tests/web/test_newcomer.py::test_every_page_names_the_services_own_favicon_and_it_is_served",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert list(tmp_path.iterdir()) == []
