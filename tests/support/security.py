"""Helpers for the security tests: users per role, the URL map, forms on a page, database dumps."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter, Rule
from werkzeug.test import TestResponse

from placement import create_app
from placement.extensions import db
from placement.models import (
    ChangeRequest,
    Feedback,
    MatchingRound,
    Offer,
    Placement,
    Proposal,
    User,
)
from placement.models._types import utcnow
from placement.services import taxonomy
from support.factories import create_coordinator, create_organisation, create_role, create_student
from support.http import TOKEN, sign_in

ROLES = ("anonymous", "student", "organisation", "coordinator")
AREAS = ("student", "organisation", "coordinator")
MISSING_ID = 987_654_321
WRONG_TOKEN = "not-a-real-token"
# Written by the service on its own whatever the outcome: not evidence that a refused request wrote.
SIDE_TABLES = frozenset({"audit_events"})
MARKUP = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


def app_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    """The settings every test app starts from (tests/conftest.py's and those tests build)."""
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test secret key, not for production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_BACKEND": "locmem",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SESSION_COOKIE_SECURE": False,
        "HSTS": False,
        "DEMO": False,
        "SERVER_NAME": None,
        # Background work runs in the test's own process (tests drain it); Redis only where a
        # test asks for it.
        "REDIS_URL": None,
    }
    config.update(overrides)
    return config


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, database session and `g`, as in production.

    The test's own context (used by factories and assertions) is set aside during the request,
    and its session forgets what it loaded, so the test sees what the request wrote.
    Each response is read whole and closed before `open` returns, as a server does once it has
    sent it: the work a request left for after its response (email) is done by then.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:  # type: ignore[override]
        kwargs.setdefault("buffered", True)
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if has_app_context():
                db.session.expire_all()


def sqlite_app(folder: Path, **overrides: Any) -> Flask:
    """A fresh app on its own SQLite file with the schema and the taxonomy."""
    app = create_app(app_config(f"sqlite:///{folder / 'app.sqlite'}", **overrides))
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        taxonomy.load_skills(db.session)
        db.session.commit()
    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- users ---------------------------------------------------------------------------------


def create_account(role: str) -> User | None:
    """A confirmed user of the role, with the rows that role needs (profile, organisation)."""
    if role == "anonymous":
        return None
    if role == "student":
        return create_student().user
    if role == "organisation":
        return create_organisation()[1]
    return create_coordinator()


def client_as(app: Flask, role: str) -> tuple[FlaskClient, User | None]:
    """A test client signed in as a new user of the role (or anonymous)."""
    from support.factories import PASSWORD

    client = app.test_client()
    user = create_account(role)
    if user is not None:
        sign_in(client, user.email, PASSWORD)
    return client, user


def csrf_token_of(client: FlaskClient) -> str:
    """A valid CSRF token for the client's session, taken from a page that holds a form."""
    for page in ("/sign-out", "/sign-in", "/account/password", "/register/student"):
        response = client.get(page)
        match = TOKEN.search(response.get_data(as_text=True))
        if response.status_code == 200 and match:
            return next(group for group in match.groups() if group)
    raise AssertionError("no page gave this session a CSRF token")


# --- the URL map ---------------------------------------------------------------------------


def routes(app: Flask) -> list[Rule]:
    """Every rule of the app but the static files, in a stable order."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    return sorted(rules, key=lambda rule: (rule.endpoint, rule.rule))


def methods_of(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def int_arguments(rule: Rule) -> list[str]:
    return [
        name
        for name, converter in rule._converters.items()
        if isinstance(converter, IntegerConverter)
    ]


def placeholder_values(rule: Rule, ids: dict[str, int] | None = None) -> dict[str, Any]:
    """URL values for a rule: given ids, a missing id for other numbers, a wrong token for text."""
    values: dict[str, Any] = {}
    for name, converter in rule._converters.items():
        if name in int_arguments(rule):
            values[name] = (ids or {}).get(name, MISSING_ID)
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = WRONG_TOKEN
    return values


def url_of(app: Flask, rule: Rule, values: dict[str, Any]) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, method=methods_of(rule)[0])


def area_of(rule: Rule) -> str | None:
    area = rule.endpoint.partition(".")[0]
    return area if area in AREAS else None


# --- what the database holds ---------------------------------------------------------------


def dump() -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table (but the audit log), as text, to compare before and after."""
    db.session.expire_all()
    tables: dict[str, list[tuple[str, ...]]] = {}
    for table in db.metadata.sorted_tables:
        if table.name in SIDE_TABLES:
            continue
        rows = db.session.execute(table.select()).all()
        tables[table.name] = sorted(tuple(str(value) for value in row) for row in rows)
    db.session.rollback()
    return tables


def changed_tables(before: dict[str, list], after: dict[str, list]) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


def audit_actions() -> list[str]:
    from placement.models import AuditEvent

    db.session.expire_all()
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


# --- forms on a page -----------------------------------------------------------------------


@dataclass
class Form:
    """A form as a browser sees it: where it goes, its fields and the choices it offers."""

    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    hidden: dict[str, str] = field(default_factory=dict)
    # Named submit buttons and their values (only from forms_on(..., with_buttons=True)), and
    # the file inputs, which are in `fields` too.
    buttons: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.action, self.method, tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    def __init__(self, page_url: str, with_buttons: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.with_buttons = with_buttons
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._select: str | None = None
        self._formactions: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = attributes.get("action") or self.page_url
            self._current = Form(action=action, method=attributes.get("method", "get").lower())
            self.forms.append(self._current)
            return
        form = self._current
        if form is None:
            return
        if self.with_buttons and attributes.get("data-posts-form"):
            # The page's script posts this form's fields there too (the live pool count).
            self._formactions.append((attributes["data-posts-form"], "post"))
        name = attributes.get("name")
        kind = attributes.get("type", "submit" if tag == "button" else "text").lower()
        if self.with_buttons and tag in {"input", "button"} and kind in {"submit", "image"}:
            self._button(form, attributes)
        if tag in {"input", "textarea"} and name:
            if kind == "hidden":
                form.hidden[name] = attributes.get("value", "")
            elif kind in {"submit", "button", "image", "reset"}:
                return
            else:
                if kind == "file":
                    form.files.append(name)
                options = form.fields.setdefault(name, [])
                if kind in {"radio", "checkbox"} and "value" in attributes:
                    options.append(attributes["value"])
        elif tag == "select" and name:
            self._select = name
            form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            form.fields[self._select].append(attributes.get("value", ""))

    def _button(self, form: Form, attributes: dict[str, str]) -> None:
        """A submit button: its name and value, and where it sends the form if not its action."""
        if attributes.get("name"):
            form.buttons.setdefault(attributes["name"], []).append(attributes.get("value", ""))
        if attributes.get("formaction"):
            method = attributes.get("formmethod", form.method).lower()
            self._formactions.append((attributes["formaction"], method))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._split_formactions()
            self._current = None
        elif tag == "select":
            self._select = None

    def _split_formactions(self) -> None:
        """A button with formaction posts the same fields elsewhere: that is a form of its own."""
        form = self._current
        for action, method in self._formactions:
            if form is not None:
                self.forms.append(replace(form, action=action, method=method))
        self._formactions = []


def forms_on(page_url: str, html: str, *, with_buttons: bool = False) -> list[Form]:
    """The forms of a page; with_buttons adds named submit buttons and a form per formaction."""
    parser = _FormParser(page_url, with_buttons)
    parser.feed(html)
    return parser.forms


def unescaped_markup(response: TestResponse) -> list[str]:
    body = response.get_data(as_text=True)
    return [payload for payload in MARKUP if payload in body]


# --- objects other people own, for the object-level probes ---------------------------------


def _other_organisation_roles(count: int, status: str = "draft") -> list[Any]:
    organisation, _member = create_organisation()
    return [create_role(organisation, status=status, title=f"Hidden {n}") for n in range(count)]


def _proposals(count: int) -> list[Proposal]:
    """Proposals (and their round) between other students and another organisation's roles."""
    # Closed roles: no student may open them, and they belong to another organisation.
    roles = _other_organisation_roles(count, status="closed")
    matching_round = MatchingRound(name="A round of other people", status="completed")
    db.session.add(matching_round)
    proposals = []
    for role in roles:
        student = create_student()
        proposal = Proposal(
            round=matching_round, student=student, role=role, score=0.5, status="offered"
        )
        db.session.add(proposal)
        proposals.append(proposal)
    db.session.commit()
    return proposals


def _offers(count: int) -> list[Offer]:
    offers = [
        Offer(
            proposal_id=proposal.id,
            student_id=proposal.student_id,
            role_id=proposal.role_id,
            deadline=utcnow() + timedelta(days=7),
        )
        for proposal in _proposals(count)
    ]
    db.session.add_all(offers)
    db.session.commit()
    return offers


def _placements(count: int) -> list[Placement]:
    placements = []
    for offer in _offers(count):
        offer.status = "accepted"
        placements.append(
            Placement(offer_id=offer.id, student_id=offer.student_id, role_id=offer.role_id)
        )
    db.session.add_all(placements)
    db.session.commit()
    return placements


def _feedback(count: int) -> list[Feedback]:
    feedback = [
        Feedback(placement_id=placement.id, given_by="organisation", rating=4, comment="Private")
        for placement in _placements(count)
    ]
    db.session.add_all(feedback)
    db.session.commit()
    return feedback


def _change_requests(count: int) -> list[ChangeRequest]:
    requests = [ChangeRequest(student=create_student(), message="Private") for _ in range(count)]
    db.session.add_all(requests)
    db.session.commit()
    return requests


def _ids(make: Callable[[int], list[Any]]) -> Callable[[int], list[int]]:
    return lambda count: [row.id for row in make(count)]


# URL parameter name -> how to make `count` objects of that kind that belong to other people.
# A route with an id in the student or organisation area whose parameter is not here fails the
# object-level probe test with a message asking for a line here.
OTHER_PEOPLES_OBJECTS: dict[str, Callable[[int], list[int]]] = {
    "role_id": _ids(_other_organisation_roles),
    "organisation_id": _ids(lambda n: [create_organisation()[0] for _ in range(n)]),
    "student_id": _ids(lambda n: [create_student() for _ in range(n)]),
    "profile_id": _ids(lambda n: [create_student() for _ in range(n)]),
    "candidate_id": _ids(lambda n: [create_student() for _ in range(n)]),
    "user_id": _ids(lambda n: [create_student().user for _ in range(n)]),
    "member_id": _ids(lambda n: [create_organisation()[1] for _ in range(n)]),
    "proposal_id": _ids(_proposals),
    "round_id": _ids(lambda n: [_proposals(1)[0].round for _ in range(n)]),
    "offer_id": _ids(_offers),
    "placement_id": _ids(_placements),
    "feedback_id": _ids(_feedback),
    "request_id": _ids(_change_requests),
}


def own_ids(user: User | None) -> dict[str, set[int]]:
    """Ids the prober may legitimately reach: its own user, profile and organisation."""
    if user is None:
        return {}
    owned: dict[str, set[int]] = {"user_id": {user.id}, "member_id": {user.id}}
    if user.student_profile is not None:
        profile = user.student_profile.id
        owned.update(student_id={profile}, profile_id={profile}, candidate_id={profile})
    if user.organisation is not None:
        owned["organisation_id"] = {user.organisation.id}
    return owned


def probe_ids(others: list[int], owned: set[int], at_least: int = 200) -> list[int]:
    """Other people's ids, their neighbours, 0 and huge values, padded to `at_least` ids."""
    ids = set(others) | {n + step for n in others for step in (-2, -1, 1, 2)}
    ids |= {0, 2**31 - 1, 2**31, 2**63 - 1, 10**20}
    start = max(min(others) - 50, 0)
    padding = iter(range(start, start + 10 * at_least))
    while len(ids - owned) < at_least:
        ids.add(next(padding))
    return sorted(ids - owned)


def iter_probe_rules(app: Flask, area: str) -> Iterator[tuple[Rule, str]]:
    """(rule, id parameter) for every route of the area with an integer in its URL."""
    for rule in routes(app):
        if area_of(rule) == area:
            for name in int_arguments(rule):
                yield rule, name
