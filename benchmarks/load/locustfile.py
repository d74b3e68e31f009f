"""A realistic mix of pages for 50 people with 1-3 s think time (run through run.py).

Accounts come from the JSON file named by LOAD_ACCOUNTS (written by run.py): students,
organisation members and coordinators whose passwords the runner set before the run.
/healthz is requested by one monitor in the same run, as the baseline the pages are compared to.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from pathlib import Path

from locust import HttpUser, between, constant, task

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
NEXT = re.compile(r'href="([^"]+)"\s+rel="next"')
ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
_next = {role: itertools.cycle(people) for role, people in ACCOUNTS.items()}
_lock = threading.Lock()


def links(html: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, html)))


class SignedInUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        with _lock:
            account = next(_next[self.role])
        page = self.client.get("/sign-in", name="/sign-in")
        token = TOKEN.search(page.text).group(1)
        form = {"email": account["email"], "password": account["password"], "csrf_token": token}
        with self.client.post("/sign-in", data=form, catch_response=True) as r:
            if f"/{self.role}/" not in r.url:
                r.failure(f"sign-in as {account['email']} ended on {r.url}")
        self.ids: list[str] = []

    def visit_one(self, listing: str, pattern: str, name: str) -> None:
        if not self.ids:
            self.ids = links(self.client.get(listing, name=listing).text, pattern)
        if self.ids:
            self.client.get(pattern_url(pattern, random.choice(self.ids)), name=name)


def pattern_url(pattern: str, object_id: str) -> str:
    return pattern.replace(r"(\d+)", object_id).replace("\\", "")


class Visitor(HttpUser):
    weight = 2
    wait_time = between(1, 3)

    @task(3)
    def start_page(self) -> None:  # not `start`: that name is Locust's own
        self.client.get("/")

    @task(2)
    def sign_in_page(self) -> None:
        self.client.get("/sign-in")

    @task(1)
    def register_page(self) -> None:
        self.client.get("/register/student")

    @task(1)
    def accessibility(self) -> None:
        self.client.get("/accessibility")


class Student(SignedInUser):
    weight = 5
    role = "student"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/student/")

    @task(3)
    def roles(self) -> None:
        self.client.get("/student/roles")

    @task(3)
    def one_role(self) -> None:
        self.visit_one("/student/roles", r"/student/roles/(\d+)", "/student/roles/[id]")

    @task(1)
    def choices(self) -> None:
        self.client.get("/student/choices")

    @task(1)
    def offers(self) -> None:
        self.client.get("/student/offers")

    @task(1)
    def check_answers(self) -> None:
        self.client.get("/student/profile/check")


class OrganisationMember(SignedInUser):
    weight = 2
    role = "organisation"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/organisation/")

    @task(2)
    def roles(self) -> None:
        self.client.get("/organisation/roles")

    @task(2)
    def one_role(self) -> None:
        self.visit_one(
            "/organisation/roles", r"/organisation/roles/(\d+)", "/organisation/roles/[id]"
        )

    @task(1)
    def offers(self) -> None:
        self.client.get("/organisation/offers")

    @task(1)
    def candidates(self) -> None:
        """The students a role could be offered to (its roles, once listed, as in one_role)."""
        if not self.ids:
            listing = self.client.get("/organisation/roles").text
            self.ids = links(listing, r"/organisation/roles/(\d+)")
        if self.ids:
            role = random.choice(self.ids)
            self.client.get(
                f"/organisation/roles/{role}/candidates", name="/organisation/roles/[id]/candidates"
            )


class Coordinator(SignedInUser):
    weight = 1
    role = "coordinator"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/coordinator/")

    @task(1)
    def rounds(self) -> None:
        self.client.get("/coordinator/rounds")

    @task(1)
    def organisations(self) -> None:
        self.client.get("/coordinator/organisations")

    @task(1)
    def placements(self) -> None:
        self.client.get("/coordinator/placements")

    @task(1)
    def reports(self) -> None:
        self.client.get("/coordinator/reports")

    @task(1)
    def offers(self) -> None:
        self.client.get("/coordinator/offers")

    @task(1)
    def audit(self) -> None:
        self.client.get("/coordinator/audit")

    @task(1)
    def readiness(self) -> None:
        self.client.get("/coordinator/readiness")

    @task(1)
    def skills_report(self) -> None:
        self.client.get("/coordinator/reports/skills")

    @task(1)
    def equity_report(self) -> None:
        self.client.get("/coordinator/reports/equity")

    @task(3)
    def round_review(self) -> None:
        """The newest round's first page, a filtered page and the page after it."""
        if not hasattr(self, "round_url"):
            found = links(self.client.get("/coordinator/rounds").text, r"/coordinator/rounds/\d+")
            self.round_url = max(found, key=lambda url: int(url.rsplit("/", 1)[1]), default="")
        if not self.round_url:
            return
        first = self.client.get(self.round_url, name="/coordinator/rounds/[id]")
        self.client.get(
            self.round_url + "?status=proposed&score_min=0.5&sort=organisation",
            name="/coordinator/rounds/[id]?filters",
        )
        following = NEXT.search(first.text)
        if following:
            self.client.get(
                following.group(1).replace("&amp;", "&"), name="/coordinator/rounds/[id]?after="
            )


class Monitor(HttpUser):
    """The same-run baseline: a page that does one trivial query."""

    fixed_count = 1
    wait_time = constant(1)

    @task
    def health(self) -> None:
        self.client.get("/healthz")
