"""One student's ranking against every open role: explain_student against the engine's RoleIndex.

    python benchmarks/bench_role_ranking.py [--roles 17805] [--students 5]
    python benchmarks/bench_role_ranking.py --database URL [--students 5]

Without ``--database`` the roles are ``matching.synthetic_round``'s (national size by default): the
index is made once, then for each student ``explain_student`` on a snapshot of that student and
every role (what ``/student/roles`` ran before) and ``RoleIndex.rank``, one after the other so both
see the same machine load. With ``--database`` (for example the ``national_demo`` database) the
open roles and ready students come from the service: the open-roles cache's version, then per
student the old path (``explain_student`` over the cache's entries) and ``open_role_cache._rank``.
Either way the two orders are checked equal, and the medians and their ratio are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matching
from matching.synthetic import synthetic_round


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def _explained(snapshot: dict[str, Any], student_id: str) -> tuple[list[str], int]:
    entries = matching.explain_student(snapshot, student_id)["roles"]
    return [e["role"] for e in entries], sum(1 for e in entries if e["feasible"])


def engine(n_roles: int, n_students: int) -> tuple[float, list[float], list[float]]:
    data = synthetic_round(n_students, n_roles, seed=1)
    roles = [dict(role, preferences=[]) for role in data["roles"]]
    build, index = _timed(lambda: matching.RoleIndex(dict(data, students=[], roles=roles)))
    before, after = [], []
    for student in data["students"]:
        one = dict(data, students=[student], roles=roles)
        seconds, old = _timed(lambda one=one, s=student: _explained(one, s["id"]))
        before.append(seconds)
        seconds, new = _timed(lambda s=student: index.rank(s))
        after.append(seconds)
        assert (list(new.roles), new.feasible) == old, "the two orders differ"
    return build, before, after


def service(url: str, n_students: int) -> tuple[float, list[float], list[float]]:
    from placement import create_app
    from placement.extensions import db
    from placement.services import open_role_cache, snapshot, student_roles

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
    with app.app_context():
        cached = open_role_cache.current(db.session)
        build, _ = _timed(lambda: cached.index)
        profiles = [p for p in snapshot.ready_students(db.session) if student_roles.can_fit(p)]
        before, after = [], []
        for profile in profiles[:n_students]:
            student = open_role_cache._student_document(profile, cached)
            marked = sorted(cached.interests.get(profile.id, frozenset()))
            document = {
                "format": snapshot.FORMAT,
                "students": [student],
                "roles": [
                    {**entry, "preferences": [student["id"]] if role_id in marked else []}
                    for role_id, entry in cached.entries.items()
                ],
            }
            seconds, old = _timed(lambda d=document, s=student: _explained(d, s["id"]))
            before.append(seconds)
            seconds, new = _timed(lambda s=student, m=marked: open_role_cache._rank(s, m, cached))
            after.append(seconds)
            old_ids = [snapshot.row_id(key) for key in old[0]]
            assert (list(new.order), new.matchable) == (old_ids, old[1]), "the orders differ"
        return build, before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--roles", type=int, default=17_805)
    parser.add_argument("--students", type=int, default=5)
    parser.add_argument("--database", help="a database URL: its open roles and ready students")
    arguments = parser.parse_args()
    if arguments.database:
        build, before, after = service(arguments.database, arguments.students)
    else:
        build, before, after = engine(arguments.roles, arguments.students)
    old, new = statistics.median(before) * 1000, statistics.median(after) * 1000
    print(f"{len(before)} students, medians; the orders are equal")
    print(f"index of the roles, made once per data version: {build * 1000:.0f} ms")
    print(f"explain_student, one student: {old:.0f} ms (slowest {max(before) * 1000:.0f} ms)")
    print(f"RoleIndex.rank, one student: {new:.1f} ms (slowest {max(after) * 1000:.1f} ms)")
    print(f"ratio: {old / new:.0f} x")


if __name__ == "__main__":
    main()
