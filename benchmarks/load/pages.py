"""Each page's cost in one process (Flask's test client), to find the slow ones before a load run.

    python benchmarks/load/pages.py postgresql+psycopg://postgres@127.0.0.1:5432/national_demo

Signs in as the demo's three accounts, requests every listed page REPEAT times after one warm-up
and prints the median and the slowest in milliseconds, with /healthz as the same-run baseline.
Not a test: the load benchmark (run.py) is what measures p95 under concurrency.
"""

from __future__ import annotations

import re
import statistics
import sys
import time

from sqlalchemy import select

from placement import create_app
from placement.extensions import db
from placement.models import MatchingRound, OrganisationMember, PlacementRole, Proposal, User
from placement.services.demo import DEMO_ACCOUNTS

REPEAT = 3
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


LOAD_PASSWORD = "load test passphrase, not for production"  # what run.py gives its accounts


def _sign_in(client, email: str, password: str) -> None:
    """Sign in with the demo password, or with the one a load run gave the account."""
    for attempt in (password, LOAD_PASSWORD):
        page = client.get("/sign-in").get_data(as_text=True)
        token = TOKEN.search(page).group(1)
        form = {"email": email, "password": attempt, "csrf_token": token}
        if client.post("/sign-in", data=form).status_code == 302:
            return
    raise SystemExit(f"could not sign in as {email}")


def _ids(app) -> dict[str, object]:
    with app.app_context():
        member = db.session.execute(
            select(OrganisationMember)
            .join(User)
            .where(User.email == "organisation@demo.example.org")
        ).scalar_one()
        role = db.session.execute(
            select(PlacementRole.id)
            .where(
                PlacementRole.organisation_id == member.organisation_id,
                PlacementRole.status == "published",
            )
            .limit(1)
        ).scalar()
        open_role = db.session.execute(
            select(PlacementRole.id).where(PlacementRole.status == "published").limit(1)
        ).scalar()
        round_id = db.session.execute(
            select(MatchingRound.id).order_by(MatchingRound.id.desc())
        ).scalar()
        middle = None
        if round_id:
            middle = db.session.execute(
                select(Proposal.id)
                .where(Proposal.round_id == round_id)
                .order_by(Proposal.score.desc(), Proposal.id.desc())
                .offset(20_000)
                .limit(1)
            ).scalar()
        return {"role": role, "open_role": open_role, "round": round_id, "middle": middle}


def pages(ids: dict[str, object]) -> dict[str, list[str]]:
    coordinator = [
        "/coordinator/",
        "/coordinator/rounds",
        "/coordinator/organisations",
        "/coordinator/offers",
        "/coordinator/placements",
        "/coordinator/reports",
        "/coordinator/reports/equity",
        "/coordinator/reports/skills",
        "/coordinator/audit",
        "/coordinator/readiness",
    ]
    if ids["round"]:
        base = f"/coordinator/rounds/{ids['round']}"
        coordinator += [
            base,
            f"{base}?status=proposed&sector=fintech&score_min=0.5",
            f"{base}?first_choice=1",
            f"{base}?sort=organisation&order=asc",
        ]
        if ids["middle"]:
            coordinator.append(f"{base}?after={ids['middle']}")
    student = [
        "/student/",
        "/student/roles",
        "/student/roles?page=40",
        "/student/roles?sector=fintech",
        f"/student/roles/{ids['open_role']}",
        "/student/choices",
        "/student/offers",
        "/student/profile/check",
    ]
    organisation = ["/organisation/", "/organisation/roles", "/organisation/offers"]
    if ids["role"]:
        organisation += [
            f"/organisation/roles/{ids['role']}",
            f"/organisation/roles/{ids['role']}/candidates",
        ]
    return {"coordinator": coordinator, "student": student, "organisation": organisation}


def main(url: str) -> None:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "pages benchmark", "MAIL_BACKEND": "locmem"}
    )
    app.config.update(SESSION_COOKIE_SECURE=False, RATELIMIT_ENABLED=False)
    ids = _ids(app)
    accounts = {account.role: account for account in DEMO_ACCOUNTS}
    print(f"{'page':<62}{'median':>8}{'slowest':>9}  status")
    for role, urls in pages(ids).items():
        client = app.test_client()
        _sign_in(client, accounts[role].email, accounts[role].password)
        for url in ["/healthz", *urls]:
            client.get(url)  # warm-up: caches fill once per process
            times, status = [], 0
            for _ in range(REPEAT):
                started = time.perf_counter()
                status = client.get(url).status_code
                times.append(1000 * (time.perf_counter() - started))
            print(f"{url[:61]:<62}{statistics.median(times):>8.0f}{max(times):>9.0f}  {status}")


if __name__ == "__main__":
    main(sys.argv[1])
