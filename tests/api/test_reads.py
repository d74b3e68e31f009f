"""What the read endpoints say: stages, filters, cursor pages, placements, skills demand."""

from __future__ import annotations

from datetime import timedelta

from support.api import bearer, create_partner, issue, placement_for, sharing_student
from support.factories import create_organisation, create_role, create_student

from placement.extensions import db
from placement.models import MatchingRound, Offer, Proposal, User
from placement.models._types import utcnow
from placement.services import equity, students, university_data


def get(client, token, url, **query):
    response = client.get(url, headers=bearer(token), query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_each_student_is_shown_at_the_stage_they_have_reached(app, client):
    token, _row = issue(create_partner("ucl"))
    organisation, _member = create_organisation()
    role = create_role(organisation)
    invited = sharing_student(submitted=False)
    invited.user.password_hash = None
    in_progress = sharing_student(submitted=False)
    submitted = sharing_student()
    withdrawn = sharing_student(status="withdrawn")
    proposed = sharing_student()
    matching_round = MatchingRound(name="Round", status="completed")
    db.session.add(
        Proposal(round=matching_round, student=proposed, role=role, score=0.5, status="approved")
    )
    offered = sharing_student()
    offer_proposal = Proposal(round=matching_round, student=offered, role=role, score=0.5)
    db.session.add(offer_proposal)
    db.session.flush()
    db.session.add(
        Offer(
            proposal_id=offer_proposal.id,
            student_id=offered.id,
            role_id=role.id,
            deadline=utcnow() + timedelta(days=7),
        )
    )
    db.session.commit()
    placed = sharing_student()
    placement_for(placed, create_role(organisation, title="Second"))
    completed = sharing_student()
    done = placement_for(completed, create_role(organisation, title="Third"))
    done.status = "completed"
    db.session.commit()
    stages = {item["id"]: item["stage"] for item in get(client, token, "/api/v1/students")["items"]}
    assert stages == {
        invited.id: "invited",
        in_progress.id: "profile_in_progress",
        submitted.id: "submitted",
        withdrawn.id: "withdrawn",
        proposed.id: "proposed",
        offered.id: "offered",
        placed.id: "placed",
        completed.id: "completed",
    }
    only = get(client, token, "/api/v1/students", stage="placed")["items"]
    assert [item["id"] for item in only] == [placed.id]


def test_cursor_pages_walk_every_student_once_in_order(app, client):
    token, _row = issue(create_partner("ucl"))
    ids = [sharing_student().id for _ in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = get(client, token, "/api/v1/students", **query)
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids and pages == 3


def test_a_cursor_from_another_list_is_refused(app, client):
    token, _row = issue(create_partner("ucl"))
    [sharing_student() for _ in range(2)]
    cursor = get(client, token, "/api/v1/students", limit=1)["next_cursor"]
    response = client.get(f"/api/v1/placements?cursor={cursor}", headers=bearer(token))
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_updated_since_keeps_students_whose_record_or_progress_changed(app, client):
    token, _row = issue(create_partner("ucl"))
    quiet = sharing_student()
    moved = sharing_student()
    long_ago = utcnow() - timedelta(days=30)
    for profile in (quiet, moved):
        profile.updated_at = long_ago
        profile.sharing_changed_at = long_ago
    db.session.commit()
    since = utcnow() - timedelta(days=1)
    placement_for(moved, create_role(create_organisation()[0]))
    items = get(client, token, "/api/v1/students", updated_since=since.isoformat())["items"]
    assert [item["id"] for item in items] == [moved.id]
    assert items[0]["updated_at"] >= since.isoformat()[:10]


def test_placements_carry_both_feedback_scores_once_given_and_never_the_comments(app, client):
    token, _row = issue(create_partner("ucl"))
    organisation, _member = create_organisation(name="Data Start-up")
    profile = sharing_student()
    rated = placement_for(profile, create_role(organisation), ratings={"organisation": 5})
    other = sharing_student()
    unrated = placement_for(other, create_role(organisation, title="Another"))
    placement_for(create_student(university_id="ucl"), create_role(organisation, title="Hidden"))
    body = get(client, token, "/api/v1/placements")
    by_id = {item["id"]: item for item in body["items"]}
    assert set(by_id) == {rated.id, unrated.id}
    assert by_id[rated.id]["feedback_scores"] == {"student": None, "organisation": 5}
    assert by_id[unrated.id]["feedback_scores"] == {"student": None, "organisation": None}
    assert by_id[rated.id]["organisation"]["name"] == "Data Start-up"
    assert by_id[rated.id]["status"] == "confirmed"
    assert "Private words" not in str(body)


def test_skills_demand_is_suppressed_by_the_reports_own_function(app, client):
    token, _row = issue(create_partner("ucl"))
    organisation, _member = create_organisation()
    create_role(organisation, places=3, skills={"python": (2, 3, True), "sql": (2, 2, False)})
    for _ in range(6):
        sharing_student(skills={"python": 3})
    sharing_student(skills={"python": 3, "sql": 2})
    sharing_student(skills={"sql": 2}, shares_with_university=False)  # not counted
    body = get(client, token, "/api/v1/skills/demand")
    assert body["students_counted"] == 7
    [group] = body["groups"]
    assert (group["sector"], group["quarter"]) == ("fintech", "2027 Q3")
    cells = {row["skill_id"]: row for row in group["skills"]}
    assert cells["python"]["required_places"] == 3 and cells["sql"]["desired_places"] == 3
    # One skill under 5 (sql: 1 student) would be revealed by 7 - python: python is withheld.
    assert (cells["sql"]["students_holding"], cells["sql"]["suppressed"]) == (None, "fewer than 5")
    assert (cells["python"]["students_holding"], cells["python"]["suppressed"]) == (
        None,
        "withheld",
    )
    # The very function the equity and skills reports use, not a copy of its rules.
    assert university_data.suppress is equity.suppress


def test_invited_students_who_never_set_a_password_are_invited(app):
    profile = sharing_student(submitted=False)
    db.session.get(User, profile.user_id).password_hash = None
    db.session.commit()
    page = university_data.students(db.session, "ucl")
    assert [item["stage"] for item in page.items] == ["invited"]


def test_updated_since_keeps_a_student_who_changed_only_their_skills(app, client):
    token, _row = issue(create_partner("ucl"))
    quiet, edited = sharing_student(), sharing_student()
    long_ago = utcnow() - timedelta(days=30)
    for profile in (quiet, edited):
        profile.updated_at = long_ago
        profile.sharing_changed_at = long_ago
    db.session.commit()
    since = utcnow() - timedelta(days=1)

    students.save_skills(db.session, edited, {"python": 5})
    db.session.commit()

    items = get(client, token, "/api/v1/students", updated_since=since.isoformat())["items"]
    assert [item["id"] for item in items] == [edited.id]
