"""The student rules as services: completeness, eligibility, submission, locking and ranking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from support.factories import create_organisation, create_role, create_student, create_user

from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import (
    AuditEvent,
    MatchingRound,
    Offer,
    Proposal,
    StudentPreference,
    StudentProfile,
)
from placement.models._types import utcnow
from placement.services import student_roles, students

TODAY = date(2027, 1, 15)


def _empty_profile() -> StudentProfile:
    user = create_user("student")
    profile = students.profile_for(db.session, user)
    db.session.commit()
    return profile


def _round_with_proposal(profile: StudentProfile, status: str) -> Proposal:
    organisation, _ = create_organisation()
    role = create_role(organisation)
    matching_round = MatchingRound(name="Round 1", status="completed")
    proposal = Proposal(round=matching_round, student_id=profile.id, role_id=role.id, score=0.5)
    proposal.status = status
    db.session.add_all([matching_round, proposal])
    db.session.commit()
    return proposal


def _offer(profile: StudentProfile, status: str) -> Offer:
    proposal = _round_with_proposal(profile, "offered")
    offer = Offer(
        proposal=proposal,
        student_id=profile.id,
        role_id=proposal.role_id,
        status=status,
        deadline=utcnow() + timedelta(days=7),
    )
    db.session.add(offer)
    db.session.commit()
    return offer


def test_a_new_profile_has_every_task_not_yet_started(app):
    profile = _empty_profile()
    assert set(students.task_statuses(profile).values()) == {students.NOT_STARTED}
    assert students.missing_tasks(profile) == list(students.TASKS)


def test_a_factory_profile_is_complete_and_nothing_is_missing(app):
    profile = create_student(submitted=False)
    assert set(students.task_statuses(profile).values()) == {students.COMPLETED}
    assert students.missing_tasks(profile) == []


def test_submitting_an_incomplete_profile_is_refused_and_says_what_is_missing(app):
    profile = create_student(submitted=False, skills={}, right_to_work=None)
    with pytest.raises(ValidationFailed) as refused:
        students.submit(db.session, profile)
    assert refused.value.problems == [
        ("skills", "Complete 'Your skills'"),
        ("right_to_work", "Complete 'Right to work in the UK'"),
    ]
    assert profile.status == "draft"


def test_a_student_below_level_6_cannot_submit_for_matching(app):
    profile = create_student(submitted=False, rqf_level=5)
    assert students.is_ineligible(profile)
    with pytest.raises(ValidationFailed) as refused:
        students.submit(db.session, profile)
    assert refused.value.problems == [("course", students.INELIGIBLE_MESSAGE)]


def test_a_complete_eligible_profile_is_submitted_and_audited(app):
    profile = create_student(submitted=False)
    students.submit(db.session, profile)
    db.session.commit()
    assert profile.status == "submitted" and profile.submitted_at is not None
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert "profile_submitted" in actions


def test_changing_a_submitted_profile_to_level_5_takes_it_back_to_draft(app):
    profile = create_student()
    students.save_course(
        db.session,
        profile,
        university_id="ucl",
        course="Foundation degree",
        rqf_level=5,
        expected_graduation=date(2028, 7, 1),
        today=TODAY,
    )
    assert profile.status == "draft" and profile.submitted_at is None


@pytest.mark.parametrize(
    ("modes", "borough", "problem"),
    [
        (["remote"], None, None),
        (["remote"], "camden", None),
        (["hybrid", "remote"], None, "borough"),
        (["on-site"], None, "borough"),
        ([], "camden", "work_modes"),
        (["on-site"], "outside-london", "borough"),
        (["teleport"], "camden", "work_modes"),
    ],
)
def test_the_borough_may_be_left_empty_only_for_remote_only_work(app, modes, borough, problem):
    profile = _empty_profile()
    if problem is None:
        students.save_where(db.session, profile, work_modes=modes, borough=borough)
        assert students.task_statuses(profile)["where"] == students.COMPLETED
    else:
        with pytest.raises(ValidationFailed) as refused:
            students.save_where(db.session, profile, work_modes=modes, borough=borough)
        assert [field for field, _ in refused.value.problems] == [problem]


def test_availability_must_end_on_or_after_it_starts_and_in_the_future(app):
    profile = _empty_profile()
    with pytest.raises(ValidationFailed) as backwards:
        students.save_availability(
            db.session,
            profile,
            available_from=date(2027, 9, 1),
            available_until=date(2027, 6, 1),
            hours_per_week=30,
            today=TODAY,
        )
    assert backwards.value.problems[0][0] == "available_until"
    with pytest.raises(ValidationFailed):
        students.save_availability(
            db.session,
            profile,
            available_from=date(2026, 6, 1),
            available_until=date(2026, 9, 1),
            hours_per_week=30,
            today=TODAY,
        )
    assert profile.available_from is None


def test_the_expected_graduation_cannot_be_in_the_past(app):
    profile = _empty_profile()
    with pytest.raises(ValidationFailed) as refused:
        students.save_course(
            db.session,
            profile,
            university_id="ucl",
            course="BSc",
            rqf_level=6,
            expected_graduation=date(2026, 12, 1),
            today=TODAY,
        )
    assert refused.value.problems[0][0] == "expected_graduation"


def test_skills_are_replaced_and_unknown_skills_or_levels_refused(app):
    profile = create_student(submitted=False)
    students.save_skills(db.session, profile, {"python": 4, "figma": 2})
    assert {skill.skill_id: skill.level for skill in profile.skills} == {"python": 4, "figma": 2}
    with pytest.raises(ValidationFailed):
        students.save_skills(db.session, profile, {"no-such-skill": 3})
    with pytest.raises(ValidationFailed):
        students.save_skills(db.session, profile, {"python": 6})
    with pytest.raises(ValidationFailed):
        students.save_skills(db.session, profile, {})


@pytest.mark.parametrize("status", ["proposed", "approved", "offered"])
def test_a_live_proposal_locks_the_profile(app, status):
    profile = create_student()
    _round_with_proposal(profile, status)
    assert students.profile_in_use(db.session, profile)
    with pytest.raises(Conflict):
        students.save_right_to_work(db.session, profile, False)


@pytest.mark.parametrize("status", ["rejected", "superseded"])
def test_a_rejected_or_superseded_proposal_leaves_the_profile_editable(app, status):
    profile = create_student()
    _round_with_proposal(profile, status)
    assert not students.profile_in_use(db.session, profile)


@pytest.mark.parametrize(("status", "locked"), [("pending", True), ("accepted", True)])
def test_an_open_or_accepted_offer_locks_the_profile(app, status, locked):
    profile = create_student()
    offer = _offer(profile, status)
    offer.proposal.status = "superseded"
    db.session.commit()
    assert students.profile_in_use(db.session, profile) is locked


def test_a_declined_offer_no_longer_locks_the_profile(app):
    profile = create_student()
    offer = _offer(profile, "declined")
    offer.proposal.status = "superseded"
    db.session.commit()
    assert not students.profile_in_use(db.session, profile)


def test_withdrawing_needs_a_submitted_profile_that_no_round_uses(app):
    draft = create_student(submitted=False)
    with pytest.raises(Conflict):
        students.withdraw(db.session, draft)
    in_use = create_student()
    _round_with_proposal(in_use, "approved")
    with pytest.raises(Conflict):
        students.withdraw(db.session, in_use)
    free = create_student()
    students.withdraw(db.session, free)
    assert free.status == "withdrawn"
    students.submit(db.session, free)
    assert free.status == "submitted"


def _roles(count: int) -> list:
    organisation, _ = create_organisation()
    return [create_role(organisation, title=f"Role {number}") for number in range(count)]


def _ranked(profile: StudentProfile) -> list[tuple[int, int]]:
    rows = db.session.execute(
        select(StudentPreference.rank, StudentPreference.role_id)
        .where(StudentPreference.student_id == profile.id)
        .order_by(StudentPreference.rank)
    ).all()
    return [tuple(row) for row in rows]


def test_a_student_ranks_up_to_five_roles_and_a_sixth_is_refused(app):
    profile = create_student()
    roles = _roles(6)
    for number, role in enumerate(roles[:5], start=1):
        assert student_roles.add_choice(db.session, profile, role) == number
    with pytest.raises(ValidationFailed) as refused:
        student_roles.add_choice(db.session, profile, roles[5])
    assert "5 choices" in refused.value.problems[0][1]
    assert student_roles.add_choice(db.session, profile, roles[2]) == 3
    db.session.commit()
    assert [role_id for _, role_id in _ranked(profile)] == [role.id for role in roles[:5]]


def test_moving_and_removing_choices_keeps_ranks_one_to_n(app):
    profile = create_student()
    first, second, third = _roles(3)
    for role in (first, second, third):
        student_roles.add_choice(db.session, profile, role)
    student_roles.move_choice(db.session, profile, third.id, -1)
    assert _ranked(profile) == [(1, first.id), (2, third.id), (3, second.id)]
    student_roles.move_choice(db.session, profile, first.id, -1)
    assert _ranked(profile) == [(1, first.id), (2, third.id), (3, second.id)]
    student_roles.move_choice(db.session, profile, first.id, 1)
    assert _ranked(profile) == [(1, third.id), (2, first.id), (3, second.id)]
    student_roles.remove_choice(db.session, profile, third.id)
    db.session.commit()
    assert _ranked(profile) == [(1, first.id), (2, second.id)]


def test_choices_are_locked_while_a_round_uses_the_profile(app):
    profile = create_student()
    (role,) = _roles(1)
    student_roles.add_choice(db.session, profile, role)
    db.session.commit()
    _round_with_proposal(profile, "proposed")
    with pytest.raises(Conflict):
        student_roles.remove_choice(db.session, profile, role.id)


def test_a_student_below_level_6_cannot_rank_roles(app):
    profile = create_student(submitted=False, rqf_level=4)
    (role,) = _roles(1)
    with pytest.raises(ValidationFailed):
        student_roles.add_choice(db.session, profile, role)


def test_only_published_roles_of_verified_organisations_with_a_place_are_open(app):
    verified, _ = create_organisation()
    pending, _ = create_organisation(verified=False)
    published = create_role(verified)
    create_role(verified, status="draft")
    create_role(verified, status="closed")
    create_role(verified, places=1, places_taken=1)
    create_role(pending)
    assert [role.id for role in student_roles.open_roles(db.session)] == [published.id]
    assert student_roles.open_role(db.session, published.id) is published


def test_filters_narrow_open_roles_by_skill_sector_borough_and_work_mode(app):
    organisation, _ = create_organisation()
    data = create_role(organisation, borough="camden", work_mode="remote")
    design = create_role(
        organisation, sector="creative-media", skills={"figma": (2, 2, False)}, borough="hackney"
    )

    def found(**filters: str) -> list[int]:
        return [role.id for role in student_roles.open_roles(db.session, filters)]

    assert found(skill="figma") == [design.id]
    assert found(sector="creative-media") == [design.id]
    assert found(borough="camden") == [data.id]
    assert found(work_mode="remote") == [data.id]
    assert found(skill="python", work_mode="hybrid") == []


def test_the_fit_comes_from_the_engine_with_skill_labels_instead_of_ids(app):
    profile = create_student(skills={"python": 3, "sql": 2, "power-bi": 1})
    organisation, _ = create_organisation()
    good = create_role(organisation, skills={"python": (2, 3, True), "power-bi": (2, 1, False)})
    too_high = create_role(organisation, min_rqf_level=7)
    fit = student_roles.fits(db.session, profile, [too_high, good])
    assert list(fit) == [good.id, too_high.id]
    assert fit[good.id].feasible and 0 < fit[good.id].score <= 1
    joined = " ".join(fit[good.id].reasons)
    assert "Power BI (you have 1, asked 2)" in joined
    assert "power-bi" not in joined
    assert "Fintech and financial services" in joined
    assert fit[too_high.id].failures == ["needs Level 7 or above (you are Level 6)"]


def test_there_is_no_fit_until_the_profile_can_be_matched(app):
    profile = create_student(submitted=False, skills={})
    organisation, _ = create_organisation()
    assert student_roles.fits(db.session, profile, [create_role(organisation)]) == {}


def test_readable_reasons_turn_dates_and_required_skills_into_words(app):
    labels = {"python": "Python", "c": "C"}
    assert (
        student_roles.readable("needs c at level 3 (you do not have it)", labels)
        == "needs C at level 3 (you do not have it)"
    )
    assert (
        student_roles.readable(
            "runs 2027-07-01 to 2027-08-31; you are available 2027-06-01 to 2027-08-14", labels
        )
        == "runs 1 July 2027 to 31 August 2027; you are available 1 June 2027 to 14 August 2027"
    )
    assert (
        student_roles.readable("Skills missing: c (asked 2), python (asked 3)", labels)
        == "Skills missing: C (asked 2), Python (asked 3)"
    )
