"""Students' profiles: the task list, each task's answers, submitting, withdrawing, equality.

Profiles are edited until a matching round uses them (`profile_in_use`); what the engine needs
and whether it is missing comes from `placement.services.snapshot`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from placement import reference
from placement.errors import Conflict, ValidationFailed
from placement.models import (
    EqualityMonitoring,
    Offer,
    Proposal,
    Skill,
    StudentProfile,
    StudentSkill,
    User,
)
from placement.models._types import utcnow
from placement.services import audit, snapshot

MIN_RQF_LEVEL = 6
MAX_SKILLS = 25
LOCKING_PROPOSALS = ("proposed", "approved", "offered")
LOCKING_OFFERS = ("pending", "accepted")
LOCKED_MESSAGE = "A matching round is using your profile; ask a coordinator to change it"
INELIGIBLE_MESSAGE = (
    "Part 3 placements are for students on a Level 6 course (a bachelor's degree) or above"
)

# Task keys in the order of the task list, with the names people see.
TASKS = {
    "about": "About you",
    "course": "Your course",
    "skills": "Your skills",
    "availability": "When you can work",
    "where": "Where you can work",
    "right_to_work": "Right to work in the UK",
    "sectors": "Sectors that interest you",
}
# What snapshot.missing_for_matching says, mapped to the task that fills it in.
_ENGINE_PARTS = {
    "your course": "course",
    "your skills": "skills",
    "when you can work": "availability",
    "where you can work": "where",
    "right to work": "right_to_work",
}

COMPLETED, INCOMPLETE, NOT_STARTED = "completed", "incomplete", "not-started"

PREFER_NOT_TO_SAY = ("prefer-not-to-say", "Prefer not to say")
_YES_NO = {"yes": "Yes", "no": "No", PREFER_NOT_TO_SAY[0]: PREFER_NOT_TO_SAY[1]}
# The stored values are what reporting counts; the labels are what people read.
EQUALITY_ANSWERS: dict[str, dict[str, str]] = {
    "gender": {
        "woman": "Woman",
        "man": "Man",
        "non-binary": "Non-binary",
        "self-describe": "I describe my gender another way",
        PREFER_NOT_TO_SAY[0]: PREFER_NOT_TO_SAY[1],
    },
    "age_band": {
        "16-24": "16 to 24",
        "25-29": "25 to 29",
        "30+": "30 or older",
        PREFER_NOT_TO_SAY[0]: PREFER_NOT_TO_SAY[1],
    },
    "ethnicity": {
        "asian": "Asian or Asian British",
        "black": "Black, Black British, Caribbean or African",
        "mixed": "Mixed or multiple ethnic groups",
        "white": "White",
        "other": "Other ethnic group",
        PREFER_NOT_TO_SAY[0]: PREFER_NOT_TO_SAY[1],
    },
    "disability": dict(_YES_NO),
    "first_in_family": dict(_YES_NO),
    "free_school_meals": dict(_YES_NO),
}


def profile_for(session: Session, user: User) -> StudentProfile:
    """The student's profile, created empty the first time it is needed."""
    profile = user.student_profile
    if profile is None:
        profile = StudentProfile(user=user, work_modes=[], sectors=[])
        session.add(profile)
        session.flush()
    return profile


def profile_in_use(session: Session, profile: StudentProfile) -> bool:
    """A matching round uses the profile: a live proposal, or an offer still open or accepted."""
    proposal = select(Proposal.id).where(
        Proposal.student_id == profile.id, Proposal.status.in_(LOCKING_PROPOSALS)
    )
    offer = select(Offer.id).where(Offer.student_id == profile.id, Offer.status.in_(LOCKING_OFFERS))
    return (
        session.execute(proposal.limit(1)).first() is not None
        or session.execute(offer.limit(1)).first() is not None
    )


def is_ineligible(profile: StudentProfile) -> bool:
    """The course is below Level 6, so the student cannot be matched in Part 3."""
    return profile.rqf_level is not None and profile.rqf_level < MIN_RQF_LEVEL


def _status(*answers: object) -> str:
    given = [answer for answer in answers if answer not in (None, "", [])]
    if not given:
        return NOT_STARTED
    return COMPLETED if len(given) == len(answers) else INCOMPLETE


def _where_status(profile: StudentProfile) -> str:
    modes = list(profile.work_modes or [])
    if not modes:
        return INCOMPLETE if profile.borough else NOT_STARTED
    return COMPLETED if profile.borough or modes == ["remote"] else INCOMPLETE


def task_statuses(profile: StudentProfile) -> dict[str, str]:
    """Each task of the profile: completed, incomplete or not started."""
    return {
        "about": _status(profile.given_name, profile.family_name),
        "course": _status(
            profile.university_id, profile.course, profile.rqf_level, profile.expected_graduation
        ),
        "skills": COMPLETED if profile.skills else NOT_STARTED,
        "availability": _status(
            profile.available_from, profile.available_until, profile.hours_per_week
        ),
        "where": _where_status(profile),
        "right_to_work": COMPLETED if profile.right_to_work is not None else NOT_STARTED,
        "sectors": COMPLETED if profile.sectors else NOT_STARTED,
    }


def missing_tasks(profile: StudentProfile) -> list[str]:
    """Keys of the tasks still to complete, including everything the engine says it needs."""
    missing = {key for key, status in task_statuses(profile).items() if status != COMPLETED}
    engine_parts = snapshot.missing_for_matching(profile)
    missing.update(_ENGINE_PARTS[part] for part in engine_parts if part in _ENGINE_PARTS)
    # Anything the engine needs that no task names yet still blocks submission.
    return [key for key in TASKS if key in missing] + [
        part for part in engine_parts if part not in _ENGINE_PARTS
    ]


def check_editable(session: Session, profile: StudentProfile) -> None:
    """Refuse any change while a matching round uses the profile."""
    if profile_in_use(session, profile):
        raise Conflict(LOCKED_MESSAGE)


def _changed(session: Session, profile: StudentProfile, task: str) -> None:
    """After an edit: a submitted profile no longer complete or eligible goes back to draft."""
    session.flush()
    if profile.status == "submitted" and (missing_tasks(profile) or is_ineligible(profile)):
        profile.status = "draft"
        profile.submitted_at = None
        audit.record(
            session, "profile_unsubmitted", object_type="student_profile", object_id=profile.id
        )
    audit.record(
        session,
        "profile_updated",
        object_type="student_profile",
        object_id=profile.id,
        detail={"task": task},
    )
    session.flush()


def save_about_you(
    session: Session, profile: StudentProfile, given_name: str, family_name: str, phone: str | None
) -> None:
    check_editable(session, profile)
    profile.given_name = given_name.strip()
    profile.family_name = family_name.strip()
    profile.phone = (phone or "").strip() or None
    _changed(session, profile, "about")


def save_course(
    session: Session,
    profile: StudentProfile,
    *,
    university_id: str,
    course: str,
    rqf_level: int,
    expected_graduation: date,
    today: date | None = None,
) -> None:
    today = today or date.today()
    problems: list[tuple[str | None, str]] = []
    if university_id not in reference.universities():
        problems.append(("university_id", "Select your university"))
    if rqf_level not in reference.RQF_LEVELS:
        problems.append(("rqf_level", "Select the level of your course"))
    if expected_graduation < today.replace(day=1):
        problems.append(
            ("expected_graduation", "The date you expect to graduate must be this month or later")
        )
    elif expected_graduation.year > today.year + 8:
        problems.append(
            (
                "expected_graduation",
                f"The date you expect to graduate must be before {today.year + 9}",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    check_editable(session, profile)
    profile.university_id = university_id
    profile.course = course.strip()
    profile.rqf_level = rqf_level
    profile.expected_graduation = expected_graduation.replace(day=1)
    _changed(session, profile, "course")


def save_skills(session: Session, profile: StudentProfile, levels: dict[str, int]) -> None:
    """Replace the student's skills with these skill ids and levels (1-5)."""
    if not levels:
        raise ValidationFailed([(None, "Select at least one skill")])
    if len(levels) > MAX_SKILLS:
        raise ValidationFailed([(None, f"Select {MAX_SKILLS} skills or fewer")])
    known = set(session.execute(select(Skill.id).where(Skill.id.in_(list(levels)))).scalars())
    if known != set(levels):
        raise ValidationFailed([(None, "Select skills from the list")])
    if any(level not in reference.skill_levels() for level in levels.values()):
        raise ValidationFailed([(None, "Select a level from 1 to 5 for each skill")])
    check_editable(session, profile)
    current = {skill.skill_id: skill for skill in profile.skills}
    for skill_id, row in current.items():
        if skill_id not in levels:
            profile.skills.remove(row)
    for skill_id, level in levels.items():
        if skill_id in current:
            current[skill_id].level = level
        else:
            profile.skills.append(StudentSkill(skill_id=skill_id, level=level))
    # A change of skills alone would leave the profile's row untouched; the skills report's
    # cache (skills_gap.data_version) and the universities' "changed since" read this.
    profile.updated_at = utcnow()
    _changed(session, profile, "skills")


def save_availability(
    session: Session,
    profile: StudentProfile,
    *,
    available_from: date,
    available_until: date,
    hours_per_week: int,
    today: date | None = None,
) -> None:
    today = today or date.today()
    problems: list[tuple[str | None, str]] = []
    if available_until < available_from:
        problems.append(
            ("available_until", "The last day you can work must be on or after the day you start")
        )
    elif available_until < today:
        problems.append(("available_until", "The last day you can work must be in the future"))
    if available_from.year > today.year + 3:
        problems.append(
            ("available_from", f"The date you can start must be before {today.year + 4}")
        )
    if not 1 <= hours_per_week <= 48:
        problems.append(("hours_per_week", "Enter the hours a week you can work, from 1 to 48"))
    if problems:
        raise ValidationFailed(problems)
    check_editable(session, profile)
    profile.available_from = available_from
    profile.available_until = available_until
    profile.hours_per_week = hours_per_week
    _changed(session, profile, "availability")


def save_where(
    session: Session, profile: StudentProfile, *, work_modes: list[str], borough: str | None
) -> None:
    """Work modes (at least one) and home borough, which only remote-only students may omit."""
    problems: list[tuple[str | None, str]] = []
    modes = [mode for mode in reference.WORK_MODE_LABELS if mode in work_modes]
    if not modes or len(modes) != len(set(work_modes)):
        problems.append(("work_modes", "Select at least one way you would like to work"))
    if borough and borough not in reference.boroughs():
        problems.append(("borough", "Select a London borough from the list"))
    elif not borough and modes and modes != ["remote"]:
        problems.append(
            ("borough", "Select your home borough, or choose only remote work to leave it empty")
        )
    if problems:
        raise ValidationFailed(problems)
    check_editable(session, profile)
    profile.work_modes = modes
    profile.borough = borough or None
    _changed(session, profile, "where")


def save_right_to_work(session: Session, profile: StudentProfile, right_to_work: bool) -> None:
    check_editable(session, profile)
    profile.right_to_work = right_to_work
    _changed(session, profile, "right_to_work")


def save_sectors(session: Session, profile: StudentProfile, sectors: list[str]) -> None:
    known = reference.sectors()
    if not sectors or any(sector not in known for sector in sectors):
        raise ValidationFailed([("sectors", "Select at least one sector that interests you")])
    check_editable(session, profile)
    profile.sectors = [sector for sector in known if sector in sectors]
    _changed(session, profile, "sectors")


def submit(session: Session, profile: StudentProfile) -> None:
    """Submit the profile for matching: every task complete and the course Level 6 or above."""
    problems: list[tuple[str | None, str]] = [
        (key, f"Complete '{TASKS.get(key, key)}'") for key in missing_tasks(profile)
    ]
    if is_ineligible(profile):
        problems.append(("course", INELIGIBLE_MESSAGE))
    if problems:
        raise ValidationFailed(problems)
    check_editable(session, profile)
    if profile.status == "submitted":
        return
    profile.status = "submitted"
    profile.submitted_at = utcnow()
    audit.record(session, "profile_submitted", object_type="student_profile", object_id=profile.id)
    session.flush()


def withdraw(session: Session, profile: StudentProfile) -> None:
    """Take a submitted profile out of matching; it can be submitted again later."""
    if profile.status != "submitted":
        raise Conflict("Your profile is not submitted for matching")
    if profile_in_use(session, profile):
        raise Conflict(
            "A matching round is using your profile, so you cannot withdraw now. If you have an "
            "offer you can decline it; otherwise ask a coordinator"
        )
    profile.status = "withdrawn"
    profile.submitted_at = None
    audit.record(session, "profile_withdrawn", object_type="student_profile", object_id=profile.id)
    session.flush()


def equality_answers(user: User) -> dict[str, str | None]:
    """The student's own equality answers (None where not answered)."""
    row = user.equality
    return {field: getattr(row, field) if row else None for field in EQUALITY_ANSWERS}


def save_equality(session: Session, user: User, answers: dict[str, str | None]) -> bool:
    """Store the optional equality answers, each question on its own (None: not answered).

    Returns False, storing nothing, when no question was answered.
    """
    problems = [
        (field, "Select an answer from the list")
        for field, allowed in EQUALITY_ANSWERS.items()
        if answers.get(field) is not None and answers.get(field) not in allowed
    ]
    if problems:
        raise ValidationFailed(problems)
    if all(answers.get(field) is None for field in EQUALITY_ANSWERS):
        remove_equality(session, user)
        return False
    row = user.equality or EqualityMonitoring(user=user)
    for field in EQUALITY_ANSWERS:
        setattr(row, field, answers.get(field))
    session.add(row)
    # The answers themselves never reach the audit log.
    audit.record(session, "equality_answers_saved", object_type="user", object_id=user.id)
    session.flush()
    return True


def remove_equality(session: Session, user: User) -> None:
    if user.equality is not None:
        session.delete(user.equality)
        user.equality = None
        audit.record(session, "equality_answers_removed", object_type="user", object_id=user.id)
        session.flush()
