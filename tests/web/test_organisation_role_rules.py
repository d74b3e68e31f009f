"""The rules for placement roles, checked on the services directly."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from support.factories import create_organisation, create_role, create_student
from support.organisation import role_details

from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import AuditEvent, MatchingRound, PlacementRole, Proposal
from placement.services import roles
from placement.services.roles import SkillAsk

TODAY = date(2025, 1, 1)


def _fields(details, today=TODAY, **options):
    return [field for field, _ in roles.problems_with(db.session, details, today=today, **options)]


def _messages(details, today=TODAY):
    return " ".join(message for _, message in roles.problems_with(db.session, details, today=today))


def test_a_sound_role_breaks_no_rule(app):
    assert roles.problems_with(db.session, role_details(), today=TODAY) == []


def test_pay_below_the_living_wage_on_the_day_before_a_new_rate_names_the_older_rate(app):
    day_before = date(2025, 10, 21)
    assert (
        _fields(
            role_details(start_date=day_before, end_date=date(2025, 12, 1), pay_pence_per_hour=1385)
        )
        == []
    )
    details = role_details(
        start_date=day_before, end_date=date(2025, 12, 1), pay_pence_per_hour=1384
    )
    assert _fields(details) == ["pay"]
    assert "£13.85 an hour" in _messages(details) and "21 October 2025" in _messages(details)


def test_from_the_day_a_new_rate_is_announced_roles_starting_then_must_pay_it(app):
    new_rate_day = date(2025, 10, 22)
    details = role_details(
        start_date=new_rate_day, end_date=date(2025, 12, 1), pay_pence_per_hour=1385
    )
    assert _fields(details) == ["pay"]
    assert "£14.80 an hour" in _messages(details) and "22 October 2025" in _messages(details)
    assert (
        _fields(
            role_details(
                start_date=new_rate_day, end_date=date(2025, 12, 1), pay_pence_per_hour=1480
            )
        )
        == []
    )


@pytest.mark.parametrize(("places", "sound"), [(0, False), (1, True), (10, True), (11, False)])
def test_a_role_offers_from_1_to_10_places(app, places, sound):
    assert (_fields(role_details(places=places)) == []) is sound


def test_places_cannot_drop_below_those_already_offered_or_filled(app):
    assert _fields(role_details(places=2), places_taken=3) == ["places"]


@pytest.mark.parametrize("end", [date(2027, 7, 1), date(2027, 6, 30)])
def test_the_end_date_must_come_after_the_start_date(app, end):
    assert _fields(role_details(end_date=end)) == ["end_date"]


@pytest.mark.parametrize(("hours", "sound"), [(0, False), (1, True), (48, True), (49, False)])
def test_hours_per_week_are_from_1_to_48(app, hours, sound):
    assert (_fields(role_details(hours_per_week=hours)) == []) is sound


def test_a_role_cannot_start_in_the_past(app):
    assert _fields(role_details(), today=date(2027, 7, 2)) == ["start_date"]


def test_a_role_needs_at_least_one_skill_each_chosen_once_with_a_level(app):
    assert _fields(role_details(skills=[])) == ["skills-0-skill"]
    twice = [SkillAsk("python", 2, 3, True, 0), SkillAsk("python", 3, 1, False, 4)]
    assert _fields(role_details(skills=twice)) == ["skills-4-skill"]
    assert "already added Python" in _messages(role_details(skills=twice))
    unknown = [SkillAsk("no-such-skill", 2, 3, True, 0)]
    assert _fields(role_details(skills=unknown)) == ["skills-0-skill"]
    no_level = [SkillAsk("sql", 0, 0, True, 2)]
    assert _fields(role_details(skills=no_level)) == ["skills-2-level", "skills-2-weight"]


def test_a_verified_organisation_publishes_a_new_role_at_once(app):
    organisation, _ = create_organisation(verified=True)
    role = roles.create(db.session, organisation, role_details(), publish=True, today=TODAY)
    assert role.status == "published" and not role.publish_on_verification
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert {"role_created", "role_published"} <= set(actions)


def test_an_unverified_organisation_s_role_waits_as_a_draft_and_is_published_on_verification(app):
    organisation, _ = create_organisation(verified=False)
    role = roles.create(db.session, organisation, role_details(), publish=True, today=TODAY)
    assert role.status == "draft" and role.publish_on_verification
    plain_draft = roles.create(db.session, organisation, role_details(), today=TODAY)
    organisation.status = "verified"
    published = roles.publish_waiting(db.session, organisation, today=TODAY)
    assert published == [role]
    assert role.status == "published" and plain_draft.status == "draft"


def test_a_waiting_role_that_no_longer_meets_the_rules_stays_a_draft_on_verification(app):
    organisation, _ = create_organisation(verified=False)
    role = roles.create(db.session, organisation, role_details(), publish=True, today=TODAY)
    organisation.status = "verified"
    assert roles.publish_waiting(db.session, organisation, today=date(2027, 7, 2)) == []
    assert role.status == "draft"


def test_a_refused_organisation_cannot_publish(app):
    organisation, _ = create_organisation(verified=False)
    organisation.status = "refused"
    role = roles.create(db.session, organisation, role_details(), today=TODAY)
    with pytest.raises(Conflict):
        roles.request_publication(db.session, role, today=TODAY)
    assert role.status == "draft"


def test_publishing_rechecks_every_rule(app):
    organisation, _ = create_organisation()
    role = create_role(organisation, status="draft", pay_pence_per_hour=1000)
    with pytest.raises(ValidationFailed) as failure:
        roles.request_publication(db.session, role, today=TODAY)
    assert [field for field, _ in failure.value.problems] == ["pay"]
    assert role.status == "draft"


def test_copying_a_role_makes_a_draft_with_the_same_details_and_skills(app):
    organisation, _ = create_organisation()
    original = create_role(organisation, status="closed", places=3)
    copied = roles.copy(db.session, original)
    assert copied.id != original.id and copied.copied_from_id == original.id
    assert copied.status == "draft" and copied.places_taken == 0
    assert roles.RoleDetails.of(copied) == roles.RoleDetails.of(original)
    assert original.status == "closed"


def test_closing_a_role_is_final_and_a_closed_role_cannot_be_changed(app):
    organisation, _ = create_organisation()
    role = create_role(organisation)
    roles.close(db.session, role)
    assert role.status == "closed"
    with pytest.raises(Conflict):
        roles.close(db.session, role)
    with pytest.raises(Conflict):
        roles.update(db.session, role, role_details(), today=TODAY)
    with pytest.raises(Conflict):
        roles.request_publication(db.session, role, today=TODAY)


def test_once_a_role_has_a_live_proposal_only_its_description_can_change(app):
    organisation, _ = create_organisation()
    role = create_role(organisation)
    student = create_student()
    matching_round = MatchingRound(name="Round 1", status="completed")
    db.session.add(matching_round)
    db.session.flush()
    db.session.add(
        Proposal(round_id=matching_round.id, student_id=student.id, role_id=role.id, score=0.5)
    )
    db.session.commit()
    assert roles.has_commitments(db.session, role)
    changed = roles.RoleDetails.of(role)
    changed.hours_per_week = 20
    with pytest.raises(ValidationFailed):
        roles.update(db.session, role, changed, today=TODAY)
    described = roles.RoleDetails.of(role)
    described.description = "A clearer description."
    roles.update(db.session, role, described, today=TODAY)
    assert role.description == "A clearer description." and role.hours_per_week == 30


def test_an_unsaved_role_is_never_added_to_the_session(app):
    organisation, _ = create_organisation()
    before = db.session.execute(select(func.count(PlacementRole.id))).scalar()
    unsaved = roles.unsaved(organisation, role_details())
    roles.pool(db.session, unsaved)
    db.session.commit()
    assert unsaved not in db.session
    assert db.session.execute(select(func.count(PlacementRole.id))).scalar() == before
