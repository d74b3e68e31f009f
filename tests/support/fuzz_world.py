"""A populated programme for the fuzz tests, its forms, and a way back to it after each submission.

Most forms show only while their object is in some state: an offer still to answer, a proposal
still to decide, a placement to start, a role still in draft. The world holds one object in each
of those states, the accounts (personas) that can see them, and the values to put in each URL.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event, select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, Rule
from werkzeug.routing.exceptions import RoutingException

from placement import FIXTURES_DIR, create_app
from placement.extensions import db
from placement.models import (
    AuditEvent,
    ChangeRequest,
    MatchingRound,
    Offer,
    Organisation,
    OutboxMessage,
    Placement,
    PlacementRole,
    Proposal,
    StudentProfile,
    UniversityPartner,
    User,
)
from placement.services import (
    accounts,
    change_requests,
    imports,
    mail,
    offers,
    organisations,
    placements,
    rounds,
    student_roles,
    students,
    universities,
)
from support.factories import create_coordinator, create_organisation, create_role, create_student
from support.rounds import run_round
from support.security import (
    WRONG_TOKEN,
    Form,
    IsolatedClient,
    app_config,
    forms_on,
    int_arguments,
    methods_of,
    routes,
    sqlite_app,
    url_of,
)

# The roles these tests make start in 2027: moving a placement now is an override.
EARLY = "Started early for the test"

# URL parameter -> the model whose ids it takes (ids the world does not list come after its own).
MODELS: dict[str, Any] = {
    "role_id": PlacementRole,
    "offer_id": Offer,
    "placement_id": Placement,
    "round_id": MatchingRound,
    "proposal_id": Proposal,
    "student_id": StudentProfile,
    "organisation_id": Organisation,
    "event_id": AuditEvent,
    "partner_id": UniversityPartner,
    "message_id": OutboxMessage,
    "request_id": ChangeRequest,
}


@dataclass
class World:
    """Who signs in for each role, and the values for each URL parameter, most useful first."""

    personas: dict[str, list[str]]
    url_values: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class FoundForm:
    """A form found on a page, who saw it, and the URL rule it posts to."""

    form: Form
    page: str
    page_has_ids: bool
    persona: str | None
    endpoint: str | None
    # The words an <any(...)> part of the URL chose (start or complete, up or down...).
    variant: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> tuple[Any, ...]:
        """One form per endpoint and variant, fields and buttons, whatever the ids in its URL."""
        buttons = tuple(sorted((name, tuple(sorted(v))) for name, v in self.form.buttons.items()))
        target = (self.endpoint, self.variant) if self.endpoint else self.form.action
        return (target, self.form.method, tuple(sorted(self.form.fields)), buttons)


# --- building it ---------------------------------------------------------------------------


def build_world() -> World:
    """Everyone and everything, committed, in the states where their forms show."""
    coordinator = create_coordinator()
    organisation, member = create_organisation()
    open_roles = [create_role(organisation, title=f"Role {n}", places=3) for n in range(3)]
    draft_role = create_role(organisation, title="A draft role", status="draft")
    closed_role = create_role(organisation, title="A closed role", status="closed")
    waiting_organisation, _waiting_member = create_organisation(verified=False)
    create_role(waiting_organisation, title="Waits for verification", status="draft")

    offered, placed = _first_round()
    failed_email = _failed_email(offered)
    second, proposed = _second_round(open_roles[0])
    free = _free_student(open_roles[:2])
    draft_student = create_student(submitted=False)
    third = rounds.create(db.session, "Third round", actor_id=coordinator.id)
    db.session.commit()
    url_values: dict[str, list[Any]] = {
        "role_id": [open_roles[0].id, draft_role.id, closed_role.id],
        "offer_id": [offered.id],
        "placement_id": [placement.id for placement in placed],
        "round_id": [second.id, third.id],
        "proposal_id": [proposal.id for proposal in proposed],
        "student_id": [proposal.student_id for proposal in proposed],
        "organisation_id": [waiting_organisation.id, organisation.id],
        "event_id": [_import_event()],
        "partner_id": [_university_partner()],
        "message_id": [failed_email],
        "request_id": [_change_request(offered.student)],
        "token": _tokens(organisation, free.user),
    }
    _add_every_other_id(url_values)
    # The free student first: the profile forms are fuzzed while the profile can still change.
    student_emails = [
        free.user.email,
        offered.student.user.email,
        placed[-1].student.user.email,
        draft_student.user.email,
    ]
    personas = {
        "anonymous": [],
        "student": student_emails,
        "organisation": [member.email],
        "coordinator": [coordinator.email],
    }
    return World(personas=personas, url_values=url_values)


def _first_round() -> tuple[Offer, list[Placement]]:
    """Four students offered roles: an offer to answer, placements confirmed, started, completed."""
    made = [create_student() for _ in range(4)]
    first = run_round("First round")
    assert len(first.proposals) == len(made), f"the first round placed {first.proposals}"
    for proposal in first.proposals:
        offers.approve(db.session, proposal.id)
    sent = {offer.student_id: offer for offer in offers.publish(db.session, first, 7)}
    db.session.commit()
    confirmed, started, completed = (_both_accept(sent[profile.id]) for profile in made[1:])
    for placement, moves in ((started, ["start"]), (completed, ["start", "complete"])):
        for move in moves:
            placements.move(db.session, placement.id, move, early_reason=EARLY)
    db.session.commit()
    return sent[made[0].id], [confirmed, started, completed]


def _failed_email(offer: Offer) -> int:
    """An email about the offer that failed every attempt: a coordinator may send it again."""
    message = mail.send(
        db.session,
        offer.student.user.email,
        "You have a placement offer",
        "offer_student",
        offer_id=offer.id,
        role=offer.role,
        deadline="1 June 2027",
        link="http://localhost/student/offers",
    )
    message.state, message.attempts, message.last_error_kind = "failed", 5, "ConnectionRefusedError"
    db.session.commit()
    return message.id


def _both_accept(offer: Offer) -> Placement:
    offers.accept(db.session, offer.id, "student")
    placement = offers.accept(db.session, offer.id, "organisation")
    assert placement is not None
    return placement


def _second_round(marked_role: PlacementRole) -> tuple[MatchingRound, list[Proposal]]:
    """A round under review: proposals still proposed, one approved and waiting to be published.

    Two of its students ranked `marked_role`, and its organisation marked one of them.
    """
    made = [create_student() for _ in range(4)]
    for profile in made[:2]:
        student_roles.add_choice(db.session, profile, marked_role)
    candidate = organisations.candidates(db.session, marked_role)[0]
    organisations.mark_interest(db.session, marked_role, candidate)
    db.session.commit()
    second = run_round("Second round")
    proposals = sorted(second.proposals, key=lambda proposal: proposal.id)
    assert len(proposals) == len(made), f"the second round placed {proposals}"
    offers.approve(db.session, proposals[-1].id)
    db.session.commit()
    return second, proposals


def _free_student(roles: list[PlacementRole]) -> StudentProfile:
    """A submitted student in no round, with ranked choices and equality answers."""
    profile = create_student()
    for role in roles:
        student_roles.add_choice(db.session, profile, role)
    answers = dict.fromkeys(students.EQUALITY_ANSWERS, students.PREFER_NOT_TO_SAY[0])
    students.save_equality(db.session, profile.user, answers)
    db.session.commit()
    return profile


def _university_partner() -> int:
    """A partner with a contact and a token in use, so the remove and revoke buttons show."""
    partner = universities.add_partner(db.session, "ucl")
    universities.add_contact(db.session, partner, "Pat Contact", "pat@example.ac.uk")
    universities.issue_token(db.session, partner, "Records system", ["students:read"], 30)
    db.session.commit()
    return partner.id


def _change_request(student: StudentProfile) -> int:
    """A request waiting for an answer, from a student whose offer locks the profile."""
    request = change_requests.ask(db.session, student, "Please move my second choice up")
    db.session.commit()
    return request.id


def _import_event() -> int:
    outcome = imports.import_students(
        db.session, (FIXTURES_DIR / "templates" / "students.csv").read_bytes()
    )
    db.session.commit()
    return outcome.event_id


def _tokens(organisation: Organisation, user: User) -> list[str]:
    """A password reset, a colleague's and a coordinator's invitations, an address to confirm."""
    started = accounts.start_password_reset(db.session, user.email)
    assert started is not None
    reset = started[1]
    colleague = organisations.invite_member(db.session, organisation, "colleague@example.org")
    _invitation, coordinator = accounts.invite(
        db.session, "new.coordinator@example.org", "coordinator"
    )
    db.session.commit()
    return [reset, colleague, coordinator, accounts.confirmation_token(user)]


def _add_every_other_id(url_values: dict[str, list[Any]]) -> None:
    for name, model in MODELS.items():
        listed = url_values.setdefault(name, [])
        every = db.session.execute(select(model.id).order_by(model.id)).scalars()
        listed.extend(number for number in every if number not in listed)


# --- keeping it ----------------------------------------------------------------------------


class SavedDatabase:
    """The app's SQLite database as it is now, kept in memory to be written back over it."""

    def __init__(self, live: Path) -> None:
        self.saved = sqlite3.connect(":memory:", check_same_thread=False)
        self.live = sqlite3.connect(live, check_same_thread=False)
        self.live.execute("PRAGMA synchronous = OFF")
        self.live.backup(self.saved)
        self._version = self._data_version()

    def _data_version(self) -> int:
        # Changes whenever another connection (the app's) commits to the file.
        return self.live.execute("PRAGMA data_version").fetchone()[0]

    def restore(self) -> None:
        """Put the saved database back, unless nothing has been committed since."""
        db.session.remove()
        if self._data_version() != self._version:
            self.saved.backup(self.live)
            self._version = self._data_version()

    def close(self) -> None:
        self.saved.close()
        self.live.close()


def world_app(folder: Path) -> tuple[Flask, World]:
    """A fresh app on its own SQLite file holding the world."""
    folder.mkdir(parents=True, exist_ok=True)
    app = sqlite_app(folder, RATELIMIT_ENABLED=False)
    with app.app_context():
        world = build_world()
        db.session.remove()
    return app, world


def copy_app(template: Path, folder: Path) -> Flask:
    """An app on a copy of another app's SQLite file."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "app.sqlite"
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    app = create_app(app_config(f"sqlite:///{copy}", RATELIMIT_ENABLED=False))
    app.test_client_class = IsolatedClient
    with app.app_context():
        # Tens of thousands of commits that need not survive a power cut: no waiting for the disk.
        event.listen(db.engine, "connect", _without_sync)
    return app


def _without_sync(connection: sqlite3.Connection, _record: object) -> None:
    connection.execute("PRAGMA synchronous = OFF")


# --- finding its forms ---------------------------------------------------------------------


def page_urls(app: Flask, world: World) -> Iterator[tuple[Rule, str]]:
    """Every page the URL map can serve, with every combination of the world's values."""
    for rule in routes(app):
        if "GET" not in methods_of(rule):
            continue
        choices = {name: _values_for(rule, name, world) for name in rule.arguments}
        names = sorted(choices)
        for combination in itertools.product(*(choices[name] for name in names)):
            yield rule, url_of(app, rule, dict(zip(names, combination, strict=True)))


def _values_for(rule: Rule, name: str, world: World) -> list[Any]:
    converter = rule._converters[name]
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)
    if name not in world.url_values:
        kind = "id" if name in int_arguments(rule) else "value"
        raise AssertionError(
            f"{rule.rule} takes {name}, which the fuzz world has no {kind} for: add some to "
            "build_world in tests/support/fuzz_world.py"
        )
    return world.url_values[name] or [WRONG_TOKEN]


def target_of(app: Flask, form: Form) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The endpoint a form goes to (None when no rule answers it) and its variant."""
    path = form.action.partition("#")[0].partition("?")[0]
    adapter = app.url_map.bind("localhost")
    try:
        rule, values = adapter.match(path, method=form.method.upper(), return_rule=True)
    except (HTTPException, RoutingException):
        return None, ()
    variant = tuple(
        (name, str(value))
        for name, value in sorted(values.items())
        if isinstance(rule._converters[name], AnyConverter)
    )
    return rule.endpoint, variant


def discover(app: Flask, client: Any, world: World, persona: str | None) -> list[FoundForm]:
    """The forms on every page of the world the client can open."""
    found: list[FoundForm] = []
    for rule, url in page_urls(app, world):
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            for form in forms_on(url, response.get_data(as_text=True), with_buttons=True):
                if form.action.startswith("/"):
                    endpoint, variant = target_of(app, form)
                    found.append(
                        FoundForm(form, url, bool(rule.arguments), persona, endpoint, variant)
                    )
        response.close()
    return found


def unique(forms: list[FoundForm]) -> list[FoundForm]:
    kept: dict[tuple[Any, ...], FoundForm] = {}
    for found in forms:
        kept.setdefault(found.key, found)
    return list(kept.values())
