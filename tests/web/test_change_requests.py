"""A student whose profile a round uses asks a coordinator for a change; a coordinator answers."""

from __future__ import annotations

from support.factories import PASSWORD
from support.http import sign_in, submit, text_of
from support.rounds import make_pool, run_round

from placement.extensions import db
from placement.models import AuditEvent, ChangeRequest
from placement.services import students


def _locked_student():
    pool = make_pool(students=1, roles=1)
    run_round()
    student = pool["students"][0]
    assert students.profile_in_use(db.session, student)
    return pool, student


def test_a_locked_student_finds_the_request_form_from_their_choices(app, client):
    _, student = _locked_student()
    sign_in(client, student.user.email, PASSWORD)
    choices = text_of(client.get("/student/choices"))
    assert 'href="/student/requests">Ask a coordinator</a>' in choices
    assert 'href="/student/requests"' in text_of(client.get("/student/"))
    form = text_of(client.get("/student/requests"))
    assert "What would you like to change, and why?" in form


def test_a_request_reaches_the_coordinators_who_answer_it(app, client):
    pool, student = _locked_student()
    sign_in(client, student.user.email, PASSWORD)
    empty = text_of(submit(client, "/student/requests", {"message": "   "}))
    assert "Enter what you would like to change" in empty
    sent = submit(client, "/student/requests", {"message": "Please swap my 1st and 2nd choices"})
    assert sent.status_code == 302
    (request,) = db.session.query(ChangeRequest).all()
    assert request.status == "open" and request.student_id == student.id
    assert "Waiting for a coordinator" in text_of(client.get("/student/requests"))

    submit(client, "/sign-out", {})
    sign_in(client, pool["coordinator"].email, PASSWORD)
    assert 'href="/coordinator/requests"' in text_of(client.get("/coordinator/"))
    listing = text_of(client.get("/coordinator/requests"))
    assert "Waiting for an answer (1)" in listing and student.full_name in listing
    url = f"/coordinator/requests/{request.id}"
    page = text_of(client.get(url))
    assert "Please swap my 1st and 2nd choices" in page and "Proposal in Round" in page
    refused = text_of(submit(client, url, {"outcome": "declined", "reply": ""}))
    assert "Tell the student why the change is not possible" in refused
    answered = submit(client, url, {"outcome": "done", "reply": "Swapped for you."})
    assert answered.status_code == 302
    db.session.expire_all()
    assert db.session.get(ChangeRequest, request.id).status == "done"
    actions = [event.action for event in db.session.query(AuditEvent).all()]
    assert "change_request_sent" in actions and "change_request_answered" in actions
    again = text_of(
        submit(client, url, {"outcome": "declined", "reply": "No"}, page="/coordinator/rounds/new")
    )
    assert "Done" in again and 'id="main-form"' not in again
    assert db.session.get(ChangeRequest, request.id).status == "done"

    submit(client, "/sign-out", {})
    sign_in(client, student.user.email, PASSWORD)
    mine = text_of(client.get("/student/requests"))
    assert "Coordinator's answer:</strong> Swapped for you." in mine


def test_a_student_cannot_have_more_than_three_requests_waiting(app, client):
    _, student = _locked_student()
    sign_in(client, student.user.email, PASSWORD)
    for number in range(3):
        assert submit(client, "/student/requests", {"message": f"Request {number}"}).status_code
    refused = text_of(submit(client, "/student/requests", {"message": "One more"}))
    assert "You already have 3 requests waiting for an answer" in refused
    assert "One more" in refused
    assert db.session.query(ChangeRequest).count() == 3


def test_the_student_is_emailed_the_answer_once_and_a_refused_answer_sends_nothing(
    app, client, outbox
):
    pool, student = _locked_student()
    sign_in(client, student.user.email, PASSWORD)
    submit(client, "/student/requests", {"message": "Please add SQL to my skills"})
    (request,) = db.session.query(ChangeRequest).all()
    submit(client, "/sign-out", {})
    sign_in(client, pool["coordinator"].email, PASSWORD)
    outbox.clear()
    url = f"/coordinator/requests/{request.id}"

    submit(client, url, {"outcome": "declined", "reply": ""})
    assert len(outbox) == 0
    submit(client, url, {"outcome": "declined", "reply": "The round has started: ask next term."})
    submit(client, url, {"outcome": "done", "reply": "Again"}, page="/coordinator/rounds/new")

    (message,) = outbox
    assert message.to == [student.user.email]
    assert message.subject.startswith("Your change request has been answered")
    assert "Not possible" in message.body
    assert "The round has started: ask next term." in message.body
    assert "/student/requests" in message.body
