"""`pip install .` gives a package that serves pages on its own (templates, fixtures, static)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SERVE = textwrap.dedent(
    """
    import os, sys
    import placement
    from flask_migrate import upgrade
    from placement import create_app
    from placement.extensions import MIGRATIONS_DIR, db
    from placement.services import taxonomy

    assert placement.__file__.startswith(os.environ["TARGET"]), placement.__file__
    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "TESTING": True})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        assert taxonomy.load_skills(db.session) > 50
        db.session.commit()
    client = app.test_client()
    for path in ("/", "/sign-in", "/static/css/app.css"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        response.close()
    print("served from", placement.__file__)
    """
)


@pytest.mark.slow
def test_the_built_wheel_serves_pages_without_the_checkout(tmp_path):
    if not (ROOT / "placement" / "static" / "css" / "app.css").exists():
        pytest.fail("placement/static is not built: run `npm run build` first")
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "target", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)]
    subprocess.run(build, check=True, cwd=tmp_path, capture_output=True)
    wheel = next(wheels.glob("digital_talent_placements-*.whl"))
    install = [*pip, "install", "--no-deps", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, capture_output=True)
    assert (target / "placement" / "templates" / "layout.html").exists()
    assert (target / "placement" / "fixtures" / "skills.csv").exists()

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "PYTHONPATH", "FLASK_"))
    }
    env.update(
        PYTHONPATH=str(target),
        TARGET=str(target),
        SECRET_KEY="packaging test secret",
        DATABASE_URL=f"sqlite:///{tmp_path / 'installed.sqlite'}",
    )
    # -I would drop PYTHONPATH; -P keeps the script's folder off sys.path instead.
    served = subprocess.run(
        [sys.executable, "-P", "-c", SERVE],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert served.returncode == 0, served.stderr[-3000:]
    assert f"served from {target}" in served.stdout
    shutil.rmtree(wheels)
