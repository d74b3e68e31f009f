"""The live pool size against hand-made students, and candidates seen without personal data."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select
from support.factories import PASSWORD, create_organisation, create_role, create_student
from support.http import sign_in, submit, text_of
from support.organisation import role_form
from support.rounds import make_pool, run_round

from placement.extensions import db
from placement.models import (
    EqualityMonitoring,
    MatchingRound,
    Offer,
    OrganisationInterest,
    PlacementRole,
    Proposal,
    StudentPreference,
)
from placement.models._types import utcnow
from placement.services import offers, roles, snapshot

ASKED = [("python", 3, 3, "required"), ("sql", 2, 2, "required")]


def _hand_made_students():
    """One student fits everything; each other fails exactly one rule (or is not counted)."""
    fits = {"python": 3, "sql": 2}
    create_student(skills=fits, rqf_level=7)  # meets every requirement
    create_student(skills=fits, rqf_level=6)  # below the level asked
    create_student(skills={"python": 3, "sql": 1}, rqf_level=7)  # SQL too low
    create_student(skills={"python": 2, "sql": 2}, rqf_level=7)  # Python too low
    create_student(skills=fits, rqf_level=7, hours_per_week=20)  # too few hours
    create_student(skills=fits, rqf_level=7, work_modes=["remote"])  # remote only
    create_student(skills=fits, rqf_level=7, available_until=date(2027, 8, 1))  # leaves early
    create_student(skills=fits, rqf_level=7, right_to_work=False)  # never relaxed
    create_student(skills=fits, rqf_level=7, submitted=False)  # draft: not counted


def test_the_pool_counts_every_hard_rule_and_each_relaxation_in_words(client):
    _, member = create_organisation()
    _hand_made_students()
    sign_in(client, member.email, PASSWORD)
    form = role_form(ASKED, min_rqf_level="7", action="check")
    page = text_of(submit(client, "/organisation/roles/new", form))
    assert "1 student meets all your requirements" in page
    for relaxation in (
        "2 if Python were desired rather than required",
        "2 if SQL were desired rather than required",
        "2 if Level 6 students could apply",
        "2 if students offering fewer than 30 hours a week could apply",
        "2 if students who did not choose hybrid work could apply",
        "2 if students not available for the whole of 1 July 2027 to 31 August 2027 could apply",
    ):
        assert relaxation in page


def test_the_pool_of_a_saved_role_matches_the_engine_through_the_adapter(app):
    organisation, _ = create_organisation()
    _hand_made_students()
    role = create_role(
        organisation,
        min_rqf_level=7,
        skills={"python": (3, 3, True), "sql": (2, 2, False)},
    )
    pool = roles.pool(db.session, role)
    assert pool.feasible == 2  # SQL is only desired, so the SQL-low student fits too
    assert pool.relaxations == [
        (3, "if Python were desired rather than required"),
        (3, "if Level 6 students could apply"),
        (3, "if students offering fewer than 30 hours a week could apply"),
        (3, "if students who did not choose hybrid work could apply"),
        (3, "if students not available for the whole of 1 July 2027 to 31 August 2027 could apply"),
    ]
    assert pool.feasible == snapshot.pool_for_role(db.session, role)["feasible"]


def _ranked(role, **fields):
    student = create_student(phone="07700 900123", **fields)
    db.session.add(StudentPreference(student_id=student.id, role_id=role.id, rank=1))
    db.session.add(
        EqualityMonitoring(
            user_id=student.user_id, gender="Non-binary", ethnicity="Black Caribbean"
        )
    )
    db.session.commit()
    return student


def test_candidates_show_skills_level_course_and_availability_but_no_personal_data(client):
    organisation, member = create_organisation()
    role = create_role(organisation)
    students = [_ranked(role, course="MSc Data Science"), _ranked(role)]
    create_student(given_name="Unranked")
    sign_in(client, member.email, PASSWORD)
    page = text_of(client.get(f"/organisation/roles/{role.id}/candidates"))
    assert len(re.findall(r">Candidate [0-9A-F]{10}</h2>", page)) == 2
    assert "MSc Data Science" in page and "Python: level 3, Practitioner" in page
    assert "1 June 2027 to 30 September 2027" in page and "Choice 1 of 1" in page
    for student in students:
        for private in (student.family_name, student.user.email, "07700 900123", f">{student.id}<"):
            assert private not in page
    for equality in ("Non-binary", "Black Caribbean"):
        assert equality not in page
    assert "Unranked" not in page


def _references(client, role):
    page = text_of(client.get(f"/organisation/roles/{role.id}/candidates"))
    return re.findall(r"/candidates/([0-9A-F]{10})/mark", page)


def test_marks_are_ranked_in_the_order_made_and_feed_the_round_snapshot(client):
    organisation, member = create_organisation()
    role = create_role(organisation)
    _ranked(role)
    _ranked(role)
    sign_in(client, member.email, PASSWORD)
    page_url = f"/organisation/roles/{role.id}/candidates"
    first, second = _references(client, role)
    submit(client, f"{page_url}/{second}/mark", page=page_url)
    submit(client, f"{page_url}/{first}/mark", page=page_url)
    marked = (
        db.session.execute(select(OrganisationInterest).order_by(OrganisationInterest.rank))
        .scalars()
        .all()
    )
    assert [interest.rank for interest in marked] == [1, 2]
    built = snapshot.build_snapshot(db.session, snapshot.ready_students(db.session), [role])
    assert built["roles"][0]["preferences"] == [
        snapshot.student_key(interest.student_id) for interest in marked
    ]
    assert "Marked: your choice 1" in text_of(client.get(page_url))
    submit(client, f"{page_url}/{second}/unmark", page=page_url)
    remaining = db.session.execute(select(OrganisationInterest)).scalars().all()
    assert [(i.student_id, i.rank) for i in remaining] == [(marked[1].student_id, 1)]


def test_only_candidates_who_ranked_your_own_role_can_be_marked(client):
    organisation, member = create_organisation()
    role = create_role(organisation)
    other_role = create_role(organisation, title="Another role")
    _ranked(other_role)
    sign_in(client, member.email, PASSWORD)
    (reference,) = _references(client, other_role)
    page_url = f"/organisation/roles/{role.id}/candidates"
    with_form = f"/organisation/roles/{other_role.id}/candidates"
    assert submit(client, f"{page_url}/{reference}/mark", page=with_form).status_code == 404
    assert submit(client, f"{page_url}/NOTAREF/mark", page=with_form).status_code == 404
    assert db.session.execute(select(OrganisationInterest)).first() is None


def test_a_candidate_who_accepted_an_offer_is_shown_by_name(client):
    organisation, member = create_organisation()
    role = create_role(organisation)
    student = _ranked(role)
    matching_round = MatchingRound(name="Round 1", status="completed")
    db.session.add(matching_round)
    db.session.flush()
    proposal = Proposal(
        round_id=matching_round.id,
        student_id=student.id,
        role_id=role.id,
        score=0.8,
        status="offered",
    )
    db.session.add(proposal)
    db.session.flush()
    db.session.add(
        Offer(
            proposal_id=proposal.id,
            student_id=student.id,
            role_id=role.id,
            status="accepted",
            student_response="accepted",
            organisation_response="accepted",
            deadline=utcnow() + timedelta(days=7),
        )
    )
    db.session.commit()
    sign_in(client, member.email, PASSWORD)
    page = text_of(client.get(f"/organisation/roles/{role.id}/candidates"))
    assert student.full_name in page and student.user.email in page
    assert "Black Caribbean" not in page


def test_choice_of_n_counts_the_choices_the_student_made(client):
    organisation, member = create_organisation()
    roles = [create_role(organisation, title=f"Role {n}") for n in range(3)]
    student = create_student()
    for rank, role in enumerate(roles, start=1):
        db.session.add(StudentPreference(student_id=student.id, role_id=role.id, rank=rank))
    db.session.commit()
    sign_in(client, member.email, PASSWORD)
    page = text_of(client.get(f"/organisation/roles/{roles[1].id}/candidates"))
    assert "Choice 2 of 3" in page and "of 5" not in page


def test_a_candidate_missing_a_required_skill_is_flagged(client):
    organisation, member = create_organisation()
    role = create_role(organisation, skills={"python": (3, 3, True), "sql": (2, 2, False)})
    _ranked(role)  # python 3, sql 2: meets every required skill
    short = create_student(skills={"python": 2})
    db.session.add(StudentPreference(student_id=short.id, role_id=role.id, rank=1))
    db.session.commit()
    sign_in(client, member.email, PASSWORD)
    page = text_of(client.get(f"/organisation/roles/{role.id}/candidates"))
    assert page.count("Misses a required skill") == 1
    assert "Python: level 3 needed, has level 2" in page


def test_a_candidate_has_the_same_label_on_the_candidates_and_offers_pages(client):
    pool = make_pool(students=1, roles=1)
    student, role = pool["students"][0], pool["roles"][0]
    db.session.add(StudentPreference(student_id=student.id, role_id=role.id, rank=1))
    db.session.commit()
    matching_round = run_round()
    offers.approve(db.session, matching_round.proposals[0].id)
    offers.publish(db.session, matching_round, 7)
    db.session.commit()
    sign_in(client, pool["member"].email, PASSWORD)
    candidates = text_of(client.get(f"/organisation/roles/{role.id}/candidates"))
    (label,) = re.findall(r">(Candidate [0-9A-F]{10})</h2>", candidates)
    listing = text_of(client.get("/organisation/offers"))
    assert f"{role.title}: {label}" in listing
    assert "Candidate C" not in listing


def test_the_pool_panel_sits_with_the_skills_and_its_button_returns_to_it(client):
    _, member = create_organisation()
    create_student(skills={"python": 3})
    sign_in(client, member.email, PASSWORD)
    page = text_of(client.get("/organisation/roles/new"))
    skills_at, pool_at = page.index('id="skills-heading"'), page.index('id="pool"')
    assert skills_at < pool_at < page.index('value="publish"')
    assert 'formaction="/organisation/roles/new#pool"' in page
    assert "js/role-pool.js" in page
    checked = text_of(submit(client, "/organisation/roles/new", role_form(action="check")))
    panel = checked[checked.index('id="pool-panel"') :]
    assert "<strong>1 student meets all your requirements.</strong>" in panel
    assert ";" not in re.sub(r"&#?\w+;", "", panel[: panel.index("</div>")])


def test_the_pool_is_not_counted_while_the_form_has_a_problem(client):
    _, member = create_organisation()
    create_student(skills={"python": 3})
    sign_in(client, member.email, PASSWORD)
    typed = role_form(action="check", pay="1.00")
    page = text_of(submit(client, "/organisation/roles/new", typed))
    assert "govuk-error-summary" in page and "Pay must be at least" in page
    assert "meets all your requirements" not in page and 'id="pool-blocked"' in page


def test_the_live_pool_endpoint_counts_the_role_as_typed_so_far(client):
    _, member = create_organisation()
    _hand_made_students()
    sign_in(client, member.email, PASSWORD)
    typed = role_form(ASKED, min_rqf_level="7", title="", pay="", description="")
    answer = submit(client, "/organisation/roles/pool", typed, page="/organisation/roles/new")
    assert answer.status_code == 200
    html = text_of(answer)
    assert "1 student meets all your requirements." in html
    assert "2 if Level 6 students could apply" in html
    assert "<html" not in html
    typed["hours_per_week"] = "many"
    blocked = submit(client, "/organisation/roles/pool", typed, page="/organisation/roles/new")
    assert 'id="pool-blocked"' in text_of(blocked)
    assert _role_count_is_zero()


def _role_count_is_zero() -> bool:
    return db.session.execute(select(PlacementRole)).first() is None
