"""Every form, found by reading the pages each role sees, gets generated submissions.

The pages are those of a populated programme (tests/support/fuzz_world.py): ids of its rounds,
proposals, offers, placements, roles and organisations go into every URL that takes one, so the
forms that show only on such pages (deciding a proposal, answering an offer, editing a role) are
fuzzed too, each as an account that can see it. Long, empty, unicode (right-to-left, emoji), NUL
and control characters, markup, numbers out of range, uploaded files, and the form's own option,
button and hidden values mixed in: no answer of 500 or above, and the markup never comes back
unescaped.

Before every submission the database goes back to the world as it was built and the account's
session is the one it signed in with: a submission that approves, publishes, signs out or deletes
the account leaves nothing behind, so each submission meets the form in the state where it
does something, and a failure found by hypothesis replays the same way when it shrinks.

SQLite only: this is not a database test.

How deep: FUZZ_EXAMPLES submissions a form, 120 by default. At 1,000 the fuzzer alone took about
14 minutes on two cores, most of the suite's 20-minute budget once the PostgreSQL tests run too;
300 took 7, 200 took 4 and 120 takes about 2.5, and still meets every form in every state.
A deeper run is one flag away: `scripts/test --deep` (or FUZZ_EXAMPLES=1000). Each form prints a
progress line.
"""

from __future__ import annotations

import csv
import io
import os
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.factories import PASSWORD
from support.fuzz_world import (
    FoundForm,
    SavedDatabase,
    World,
    copy_app,
    discover,
    unique,
    world_app,
)
from support.http import sign_in
from support.security import (
    MARKUP,
    ROLES,
    Form,
    csrf_token_of,
    forms_on,
    methods_of,
    routes,
    unescaped_markup,
)
from web.access_table import ACCESS

from placement import FIXTURES_DIR, passwords
from placement.extensions import db
from placement.models import Proposal

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999999999",
    "-2147483649",
    "31",
    "2.5",
    "\x00",
    "a\x00b",
    "\r\n\t\x0b\x0c",
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "🙂" * 40,
    "a" * 100_000,
    "' OR 1=1 --",
    "../../etc/passwd",
    "%s%s%n",
    "{{ 7 * 7 }}",
    "someone@example.org",
    *MARKUP,
]
CSV_HEADERS = [
    (FIXTURES_DIR / "templates" / name).read_text().splitlines()[0].split(",")
    for name in ("students.csv", "roles.csv")
]
FILE_NAMES = ["upload.csv", "", "../../etc/passwd", MARKUP[0] + ".csv", "données.CSV"]
# Forms each signed-in role must find on pages with ids in their URL: if discovery found none,
# the world or the URL values are broken, and the fuzzing would pass without testing them.
ON_PAGES_WITH_IDS = {
    "student": {"student.offer", "student.choose_role", "student.placement_feedback"},
    "organisation": {"organisation.edit_role", "organisation.mark_candidate", "organisation.offer"},
    "coordinator": {
        "coordinator.round_detail",
        "coordinator.decide",
        "coordinator.approve_proposal",
        "coordinator.reject_proposal",
        "coordinator.verify_organisation",
    },
}


def values_for(options: list[str]) -> st.SearchStrategy[str]:
    strategies = [
        st.sampled_from(NASTY),
        st.text(max_size=200),
        st.binary(max_size=64).map(lambda raw: raw.decode("latin-1")),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    ]
    if options:
        strategies.insert(0, st.sampled_from(options))
    return st.one_of(*strategies)


def csv_text() -> st.SearchStrategy[str]:
    """A header of one of the import templates (or none), then rows of generated cells."""
    header = st.one_of(st.sampled_from(CSV_HEADERS), st.lists(values_for([]), max_size=4))
    rows = st.lists(st.lists(values_for([]), max_size=16), max_size=4)

    def write(table: list[list[str]]) -> str:
        out = io.StringIO()
        csv.writer(out).writerows(table)
        return out.getvalue()

    return st.tuples(header, rows).map(lambda parts: write([parts[0], *parts[1]]))


def uploads() -> st.SearchStrategy[tuple[io.BytesIO, str]]:
    content = st.one_of(
        csv_text().map(str.encode),
        st.binary(max_size=256),
        st.text(max_size=200).map(lambda text: text.encode("utf-16")),
        st.sampled_from(NASTY).map(str.encode),
    )
    return st.tuples(content, st.sampled_from(FILE_NAMES)).map(
        lambda pair: (io.BytesIO(pair[0]), pair[1])
    )


def submissions(form: Form) -> st.SearchStrategy[dict]:
    """Any subset of the form's fields, named buttons and hidden fields, with generated values."""
    choices = {name: [value] for name, value in form.hidden.items() if name != "csrf_token"}
    choices |= form.buttons
    choices |= form.fields
    optional = {
        name: st.one_of(values_for(options), st.lists(values_for(options), max_size=3))
        for name, options in choices.items()
        if name not in form.files
    }
    optional |= {name: st.one_of(uploads(), values_for([])) for name in form.files}
    return st.fixed_dictionaries({}, optional=optional)


# --- finding the forms ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """The populated programme, built once, as a SQLite file each test copies."""
    folder = tmp_path_factory.mktemp("fuzz-world")
    app, built = world_app(folder)
    with app.app_context():
        db.engine.dispose()
    return folder / "app.sqlite", built


def signed_in(app, email: str | None) -> tuple[str, str]:
    """(the session cookie, a CSRF token) of a new session, signed in as `email` if given."""
    client = app.test_client()
    if email is not None:
        sign_in(client, email, PASSWORD)
    token = csrf_token_of(client)
    return client.get_cookie("session").value, token


def forms_for(app, world: World, role: str) -> list[FoundForm]:
    """Every form each persona of the role sees, once, in the order found."""
    found: list[FoundForm] = []
    for email in world.personas[role] or [None]:
        client = app.test_client()
        if email is not None:
            sign_in(client, email, PASSWORD)
        found += discover(app, client, world, email)
    return unique(found)


def reachable_post_endpoints(app, role: str) -> set[str]:
    """The endpoints taking POST that the access table lets the role use."""
    classes = {"anonymous-form", "token"} if role == "anonymous" else {role, "signed-in"}
    return {
        rule.endpoint
        for rule in routes(app)
        if "POST" in methods_of(rule) and ACCESS.get(rule.endpoint) in classes
    }


def check_discovery(app, role: str, forms: list[FoundForm]) -> None:
    posted = {found.endpoint for found in forms if found.form.method == "post"}
    missing = sorted(reachable_post_endpoints(app, role) - posted)
    assert not missing, (
        f"no form on any page {role} sees posts to {missing}: put an object in the state where "
        "that form shows into build_world in tests/support/fuzz_world.py"
    )
    with_ids = {found.endpoint for found in forms if found.page_has_ids}
    assert ON_PAGES_WITH_IDS.get(role, set()) <= with_ids, f"{role} found {sorted(with_ids)}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_finds_every_form_it_may_post_including_those_on_pages_with_ids(
    tmp_path, world, role
):
    template, people = world
    app = copy_app(template, tmp_path)
    with app.app_context():
        forms = forms_for(app, people, role)
    check_discovery(app, role, forms)


def test_buttons_and_formactions_are_read_as_a_browser_sends_them():
    html = """
    <form method="post" action="/decide">
      <input type="hidden" name="csrf_token" value="t">
      <input type="checkbox" name="proposals" value="7">
      <button type="submit" formaction="/approve/7">Approve</button>
      <button type="submit" name="approve" value="yes">Approve selected</button>
      <input type="submit" name="reject" value="Reject selected">
      <input type="file" name="file">
    </form>"""
    decide, approve = forms_on("/round", html, with_buttons=True)
    assert (decide.action, approve.action, approve.method) == ("/decide", "/approve/7", "post")
    assert decide.buttons == {"approve": ["yes"], "reject": ["Reject selected"]}
    assert approve.fields == {"proposals": ["7"], "file": []}
    assert decide.files == ["file"]
    assert [form.buttons for form in forms_on("/round", html)] == [{}]


def test_the_saved_world_comes_back_after_a_submission_that_changed_it(tmp_path, world):
    template, people = world
    app = copy_app(template, tmp_path)
    saved = SavedDatabase(tmp_path / "app.sqlite")
    try:
        with app.app_context():
            proposal_id = people.url_values["proposal_id"][0]
            round_id = people.url_values["round_id"][0]
            cookie, token = signed_in(app, people.personas["coordinator"][0])
            client = app.test_client(use_cookies=False)
            client.post(
                f"/coordinator/rounds/{round_id}/proposals/{proposal_id}/approve",
                data={"csrf_token": token},
                headers={"Cookie": f"session={cookie}"},
            )
            assert db.session.get(Proposal, proposal_id).status == "approved"
            saved.restore()
            assert db.session.get(Proposal, proposal_id).status == "proposed"
    finally:
        saved.close()


def test_comparing_with_a_round_id_too_large_for_the_database_is_not_found(tmp_path, world):
    """Found by this fuzzing: the id went to the database driver, which could not send it."""
    template, people = world
    app = copy_app(template, tmp_path)
    with app.app_context():
        client = app.test_client()
        sign_in(client, people.personas["coordinator"][0], PASSWORD)
        round_id = people.url_values["round_id"][0]
        for too_large in (2**31, 10**26):
            response = client.get(f"/coordinator/rounds/compare?a={too_large}&b={round_id}")
            assert response.status_code == 404


# --- fuzzing them --------------------------------------------------------------------------


def progress(role: str, number: int, count: int, found: FoundForm, started: float) -> str:
    """One line a form, so that a long run shows it is moving and where."""
    form = found.form
    elapsed = time.monotonic() - started
    return (
        f"\n  fuzz {role} {number}/{count}: {form.method.upper()} {form.action}"
        f" x{EXAMPLES} ({elapsed:.0f} s so far)"
    )


def fuzz(app, saved: SavedDatabase, found: FoundForm, cookie: str, token: str) -> None:
    form = found.form
    headers = {"Cookie": f"session={cookie}"}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(data=submissions(form))
    def submit_generated(data: dict) -> None:
        saved.restore()
        client = app.test_client(use_cookies=False)
        payload = {**form.hidden, **data, "csrf_token": token}
        if form.method == "post":
            response = client.post(form.action, data=payload, headers=headers)
        else:
            response = client.get(form.action, query_string=payload, headers=headers)
        body_problems = unescaped_markup(response)
        response.close()
        where = f"{form.method} {form.action} (from {found.page} as {found.persona})"
        assert response.status_code < 500, f"{where} {data!r}"
        assert body_problems == [], f"{where} echoed {body_problems}"

    run_in_own_thread(app, submit_generated)


def run_in_own_thread(app, test) -> None:
    """Run `test` in a new thread and raise what it raised.

    CPython 3.11 maps and unmaps a chunk of its frame stack whenever calls cross a chunk's edge;
    at the depth pytest runs tests, rendering the role form's templates crossed one thousands
    of times a request and doubled the whole run. A new thread starts with a shallow stack.
    """
    failures: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                test()
            except BaseException as failure:  # handed back to the test's own thread
                failures.append(failure)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_form_survives_generated_submissions(tmp_path, monkeypatch, capsys, world, role):
    # The service's own dummy hash costs 64 MiB a check; the tests' hasher is cheap.
    monkeypatch.setattr(passwords, "DUMMY_HASH", passwords.hash_password("not a password"))
    template, people = world
    app = copy_app(template, tmp_path)
    saved = SavedDatabase(tmp_path / "app.sqlite")
    try:
        with app.app_context():
            forms = forms_for(app, people, role)
            check_discovery(app, role, forms)
            started = time.monotonic()
            for number, found in enumerate(forms, start=1):
                saved.restore()
                cookie, token = signed_in(app, found.persona)
                fuzz(app, saved, found, cookie, token)
                with capsys.disabled():
                    print(progress(role, number, len(forms), found, started), flush=True)
    finally:
        saved.close()
