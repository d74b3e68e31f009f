"""Load benchmark: a fresh demo database, gunicorn on 127.0.0.1, 50 people through Locust.

    python benchmarks/load/run.py --database sqlite --seconds 60
    python benchmarks/load/run.py --database postgresql --seconds 60
    python benchmarks/load/run.py --size national --seconds 60 [--reuse] [--warmup 60]

PostgreSQL uses the database `bench` (BENCH_DATABASE_URL to change it), dropped and created
again. National mode uses `national_demo` (NATIONAL_DATABASE_URL to change it), filled by
`placement demo --size national` plus a stored national round for the review pages
(national_round.py); `--reuse` keeps a database that already holds them (loading takes minutes).
Prints p50, p95, p99 and the error rate per page and overall, and each page's figures as a ratio
of /healthz measured in the same run. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.exc import SQLAlchemyError

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PASSWORD = "load test passphrase, not for production"
PEOPLE = {"student": 50, "organisation": 20, "coordinator": 3}
# Real argon2id, but cheap (8 MiB, one pass) so 50 sign-ins in 5 s measure the pages, not hashing.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


NATIONAL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/national_demo"


def holds_national_data(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT count(*) FROM student_profiles")).scalar()
            rounds = connection.execute(text("SELECT count(*) FROM matching_rounds")).scalar()
    except SQLAlchemyError:  # no such database or table yet: not loaded
        return False
    finally:
        engine.dispose()
    return bool(rows and rows >= 10_000 and rounds)


def national_database(folder: Path, reuse: bool) -> str:
    """The national database: reused when asked and loaded, else made again and loaded."""
    url = os.environ.get("NATIONAL_DATABASE_URL", NATIONAL_URL)
    if reuse and holds_national_data(url):
        print("Reusing the national database", make_url(url).database)
        return url
    recreate(make_url(url))
    env = {**os.environ, "DATABASE_URL": url}
    command = [BIN / "placement", "demo", "--size", "national", "--no-serve"]
    subprocess.run(command, check=True, env=env, cwd=folder)
    sys.path.insert(0, str(HERE))
    from national_round import store

    store(url)
    return url


def recreate(url) -> None:  # type: ignore[no-untyped-def]
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def database_url(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite'}"
    url = make_url(
        os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    )
    recreate(url)
    return url.render_as_string(hide_password=False)


def load_demo(url: str, folder: Path, schema: str) -> None:
    """`placement demo --no-serve`; or the same data on a schema made from the models."""
    if schema == "migrations":
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([BIN / "placement", "demo", "--no-serve"], check=True, env=env, cwd=folder)
        return
    from placement import create_app
    from placement.extensions import db
    from placement.services import demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DEMO": True, "TESTING": True})
    with app.app_context():
        db.create_all()
        demo.load(db.session)
        db.session.commit()
        db.engine.dispose()


def prepare(url: str, folder: Path, schema: str, load: bool = True) -> Path:
    """The demo data, plus known passwords for 50 students, 20 members and 3 coordinators (never
    the demo's three printed accounts, whose passwords stay as the README gives them)."""
    if load:
        load_demo(url, folder, schema)
    from placement.models import StudentProfile, User
    from placement.services.demo import DEMO_ACCOUNTS

    printed = [account.email for account in DEMO_ACCOUNTS]

    engine = create_engine(url)
    password_hash = CHEAP_HASHER.hash(PASSWORD)
    accounts: dict[str, list[dict[str, str]]] = {}
    with engine.begin() as connection:
        for role, count in PEOPLE.items():
            query = select(User.id, User.email).where(
                User.role == role, User.active.is_(True), User.email.not_in(printed)
            )
            if role == "student":
                query = query.join(StudentProfile, StudentProfile.user_id == User.id).where(
                    StudentProfile.status == "submitted"
                )
            rows = connection.execute(query.order_by(User.id).limit(count)).all()
            for number in range(len(rows), count):  # the demo has one coordinator
                email = f"load.{role}{number}@example.org"
                exists = connection.execute(select(User.id).where(User.email == email)).first()
                if not exists:  # a reused national database has them from an earlier run
                    connection.execute(
                        User.__table__.insert().values(
                            email=email, role=role, session_token=f"load-{number}", active=True
                        )
                    )
                rows.append((None, email))
            emails = [email for _id, email in rows]
            connection.execute(
                User.__table__.update()
                .where(User.email.in_(emails))
                .values(password_hash=password_hash, email_confirmed_at=User.created_at)
            )
            accounts[role] = [{"email": email, "password": PASSWORD} for email in emails]
    engine.dispose()
    path = folder / "accounts.json"
    path.write_text(json.dumps(accounts), encoding="utf-8")
    return path


def start_gunicorn(url: str, port: int, workers: int, folder: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load benchmark secret",
        "SESSION_COOKIE_SECURE": "0",
        "HSTS": "0",
        "MAIL_BACKEND": "locmem",
    }
    command = [BIN / "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    log = (folder / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [*command, "placement:create_app()"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start: see " + str(folder / "gunicorn.log"))


def run_locust(port: int, seconds: int, users: int, accounts: Path, folder: Path) -> Path:
    env = {**os.environ, "LOAD_ACCOUNTS": str(accounts)}
    command = [
        BIN / "locust",
        "-f",
        HERE / "locustfile.py",
        "--headless",
        "-u",
        str(users + 1),  # the people, plus the /healthz monitor
        "-r",
        "10",
        "-t",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        folder / "load",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    subprocess.run(command, env=env, check=False)
    return folder / "load_stats.csv"


def report(stats: Path) -> None:
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    baseline = next((row for row in rows if row["Name"] == "/healthz"), None)
    print(f"\n{'page':<34}{'requests':>9}{'p50':>7}{'p95':>7}{'p99':>7}{'errors':>8}  vs /healthz")
    for row in rows:
        count = int(row["Request Count"])
        errors = int(row["Failure Count"]) / count if count else 0.0
        p50, p95, p99 = (float(row[key]) for key in ("50%", "95%", "99%"))
        ratio = ""
        if baseline and row is not baseline and float(baseline["50%"]) > 0:
            ratio = (
                f"p50 x{p50 / float(baseline['50%']):.1f}, p95 x{p95 / float(baseline['95%']):.1f}"
            )
        name = "ALL" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"[:33]
        print(f"{name:<34}{count:>9}{p50:>7.0f}{p95:>7.0f}{p99:>7.0f}{errors:>8.2%}  {ratio}")
    print("(milliseconds; errors = responses of 400 or above, or a failed sign-in)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--size",
        choices=["programme", "national"],
        default="programme",
        help="national: 50,000 students on PostgreSQL (national_demo), with a stored round",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="national: keep an already loaded national database"
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--warmup",
        type=int,
        default=0,
        help="seconds of the same load before the measured run, not counted (fills caches)",
    )
    parser.add_argument(
        "--schema",
        choices=["migrations", "create-all"],
        default="migrations",
        help="create-all: build the schema from the models (while the migration lags them)",
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="placement-load-"))
    if args.size == "national":
        url = national_database(folder, args.reuse)
        accounts = prepare(url, folder, args.schema, load=False)
        args.database = "postgresql (national)"
    else:
        url = database_url(args.database, folder)
        accounts = prepare(url, folder, args.schema)
    port = free_port()
    load = " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])
    print(f"load average before the run: {load}")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; {args.database};")
    print(f"gunicorn {args.workers} sync workers on 127.0.0.1:{port}; {args.users} people")
    server = start_gunicorn(url, port, args.workers, folder)
    try:
        if args.warmup:
            print(f"warm-up: {args.warmup} s of the same load, not counted")
            (folder / "warmup").mkdir()
            run_locust(port, args.warmup, args.users, accounts, folder / "warmup")
        stats = run_locust(port, args.seconds, args.users, accounts, folder)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(stats)
    if args.keep:
        print("files kept in", folder)
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
