"""What the roles page's "changes that would open more roles" cost beside the fit it already shows.

Loads the demo programme into a temporary SQLite database, then for the first ready students
times the engine's fit for every open role (what /student/roles computed before) and the
suggestions (role_openers.suggestions), and prints the ratio. Run from the repository root:
``python benchmarks/bench_role_openers.py [--students 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from placement import create_app
from placement.extensions import db
from placement.services import demo, role_openers, snapshot, student_roles


def _seconds(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=20)
    count = parser.parse_args().students
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            db.create_all()
            demo.load(db.session)
            db.session.commit()
            roles = student_roles.open_roles(db.session)
            profiles = snapshot.ready_students(db.session)[:count]
            fit, openers = [], []
            for profile in profiles:  # alternately, so both see the same machine load
                fit.append(_seconds(lambda p=profile: student_roles.fits(db.session, p, roles)))
                openers.append(
                    _seconds(lambda p=profile: role_openers.suggestions(db.session, p, roles))
                )
            db.engine.dispose()
    fit_ms, openers_ms = statistics.median(fit) * 1000, statistics.median(openers) * 1000
    print(f"{len(profiles)} students, {len(roles)} open roles (medians)")
    print(f"fit for every open role: {fit_ms:.0f} ms")
    print(
        f"changes that open more roles: {openers_ms:.0f} ms ({openers_ms / fit_ms:.2f} x the fit)"
    )


if __name__ == "__main__":
    main()
