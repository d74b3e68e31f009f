"""Placement roles: the rules for saving, publishing, closing and copying, and the pool size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from placement import reference
from placement.errors import Conflict, ValidationFailed
from placement.models import (
    WORK_MODES,
    Offer,
    Organisation,
    PlacementRole,
    Proposal,
    RoleSkill,
    Skill,
)
from placement.models._types import utcnow
from placement.services import audit, snapshot

Problems = list[tuple[str | None, str]]

# Proposals and offers that still hold the role as it was when they were made.
LIVE_PROPOSALS = ("proposed", "approved", "offered")
LIVE_OFFERS = ("pending", "accepted")
MAX_PLACES = 10
MAX_HOURS = 48


@dataclass(frozen=True)
class SkillAsk:
    """One skill a role asks for; `row` is its row on the form, for error messages."""

    skill_id: str
    level: int
    weight: int
    required: bool
    row: int = 0


@dataclass
class RoleDetails:
    """Everything an organisation types in about a role."""

    title: str
    description: str
    places: int
    start_date: date
    end_date: date
    hours_per_week: int
    borough: str
    work_mode: str
    sector: str
    pay_pence_per_hour: int
    min_rqf_level: int
    skills: list[SkillAsk] = field(default_factory=list)

    @classmethod
    def of(cls, role: PlacementRole) -> RoleDetails:
        return cls(
            title=role.title,
            description=role.description,
            places=role.places,
            start_date=role.start_date,
            end_date=role.end_date,
            hours_per_week=role.hours_per_week,
            borough=role.borough,
            work_mode=role.work_mode,
            sector=role.sector,
            pay_pence_per_hour=role.pay_pence_per_hour,
            min_rqf_level=role.min_rqf_level,
            skills=[
                SkillAsk(skill.skill_id, skill.level, skill.weight, skill.required, row)
                for row, skill in enumerate(sorted(role.skills, key=_skill_order))
            ],
        )


def _skill_order(skill: RoleSkill) -> tuple[bool, int, str]:
    return (not skill.required, -skill.weight, skill.skill_id)


ROLE_FIELDS = (
    "title",
    "description",
    "places",
    "start_date",
    "end_date",
    "hours_per_week",
    "borough",
    "work_mode",
    "sector",
    "pay_pence_per_hour",
    "min_rqf_level",
)


def pounds(pence: int) -> str:
    """£14.80 from 1480."""
    return f"£{pence // 100}.{pence % 100:02d}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def pay_hint(today: date | None = None) -> str:
    """The pay rule in words, with the London Living Wage in force today."""
    rate = reference.living_wage_on(today or date.today())
    amount = pounds(rate.pence_per_hour) if rate else "the London Living Wage"
    return (
        f"At least {amount} an hour: the London Living Wage in force on the start date, "
        "set by the Living Wage Foundation"
    )


def _pay_problems(details: RoleDetails) -> Problems:
    rate = reference.living_wage_on(details.start_date)
    if rate is None:
        return [("pay", "Start date must be one for which the London Living Wage is known")]
    if details.pay_pence_per_hour < rate.pence_per_hour:
        return [
            (
                "pay",
                f"Pay must be at least {pounds(rate.pence_per_hour)} an hour: the London Living "
                f"Wage in force on {long_date(details.start_date)} (set by the Living Wage "
                f"Foundation from {long_date(rate.in_force_from)})",
            )
        ]
    return []


def _skill_problems(session: Session, skills: list[SkillAsk]) -> Problems:
    if not skills:
        return [("skills-0-skill", "Select at least one skill the role needs")]
    labels = dict(session.execute(select(Skill.id, Skill.label)).all())
    problems: Problems = []
    seen: set[str] = set()
    for ask in skills:
        where = f"skills-{ask.row}"
        if ask.skill_id not in labels:
            problems.append((f"{where}-skill", f"Select skill {ask.row + 1} from the list"))
        elif ask.skill_id in seen:
            problems.append(
                (
                    f"{where}-skill",
                    f"You have already added {labels[ask.skill_id]}: choose each skill once",
                )
            )
        seen.add(ask.skill_id)
        if ask.level not in reference.skill_levels():
            problems.append((f"{where}-level", f"Select the level needed for skill {ask.row + 1}"))
        if ask.weight not in (1, 2, 3):
            problems.append((f"{where}-weight", f"Select how important skill {ask.row + 1} is"))
    return problems


def problems_with(
    session: Session,
    details: RoleDetails,
    *,
    today: date | None = None,
    places_taken: int = 0,
) -> Problems:
    """Every rule the details break, as (field, message) pairs; empty when the role is sound."""
    today = today or date.today()
    problems: Problems = []
    if not details.title.strip():
        problems.append(("title", "Enter a job title"))
    if not 1 <= details.places <= MAX_PLACES:
        problems.append(("places", f"Number of places must be between 1 and {MAX_PLACES}"))
    elif details.places < places_taken:
        problems.append(
            (
                "places",
                f"Number of places must be {places_taken} or more: that many are already "
                "offered or filled",
            )
        )
    if details.start_date < today:
        problems.append(("start_date", "Start date must be today or in the future"))
    if details.end_date <= details.start_date:
        problems.append(("end_date", "End date must be after the start date"))
    if not 1 <= details.hours_per_week <= MAX_HOURS:
        problems.append(("hours_per_week", f"Hours per week must be between 1 and {MAX_HOURS}"))
    if details.borough not in reference.boroughs():
        problems.append(("borough", "Select the borough where the placement is based"))
    if details.work_mode not in WORK_MODES:
        problems.append(("work_mode", "Select how the student will work"))
    if details.sector not in reference.sectors():
        problems.append(("sector", "Select the sector"))
    if details.min_rqf_level not in (6, 7, 8):
        problems.append(("min_rqf_level", "Select the lowest level of study students need"))
    problems += _pay_problems(details)
    problems += _skill_problems(session, details.skills)
    return problems


def check(session: Session, details: RoleDetails, **options: object) -> None:
    problems = problems_with(session, details, **options)  # type: ignore[arg-type]
    if problems:
        raise ValidationFailed(problems)


def _apply(role: PlacementRole, details: RoleDetails) -> None:
    for name in ROLE_FIELDS:
        setattr(role, name, getattr(details, name))
    role.title = details.title.strip()
    role.description = details.description.strip()
    wanted = {ask.skill_id: ask for ask in details.skills}
    role.skills = [skill for skill in role.skills if skill.skill_id in wanted]
    kept = {skill.skill_id: skill for skill in role.skills}
    for skill_id, ask in wanted.items():
        row = kept.get(skill_id) or RoleSkill(skill_id=skill_id)
        row.level, row.weight, row.required = ask.level, ask.weight, ask.required
        if skill_id not in kept:
            role.skills.append(row)
    # A change of skills alone would leave the row untouched; the open-roles cache reads this.
    role.updated_at = utcnow()


def unsaved(organisation: Organisation, details: RoleDetails) -> PlacementRole:
    """A role as typed, never added to a session: for counting the pool before saving."""
    role = PlacementRole(
        id=0,
        organisation_id=organisation.id,
        places=1,
        places_taken=0,
        status="draft",
    )
    for name in ROLE_FIELDS:
        setattr(role, name, getattr(details, name))
    role.skills = [
        RoleSkill(skill_id=ask.skill_id, level=ask.level, weight=ask.weight, required=ask.required)
        for ask in details.skills
    ]
    return role


def create(
    session: Session,
    organisation: Organisation,
    details: RoleDetails,
    *,
    publish: bool = False,
    today: date | None = None,
) -> PlacementRole:
    """A new role, saved as a draft, then published if asked and allowed."""
    check(session, details, today=today)
    role = PlacementRole(organisation=organisation, status="draft", places_taken=0)
    _apply(role, details)
    session.add(role)
    session.flush()
    audit.record(session, "role_created", object_type="role", object_id=role.id)
    if publish:
        request_publication(session, role, today=today)
    return role


def has_commitments(session: Session, role: PlacementRole) -> bool:
    """Whether live proposals or offers were made for the role as it stands."""
    proposal = exists().where(Proposal.role_id == role.id, Proposal.status.in_(LIVE_PROPOSALS))
    offer = exists().where(Offer.role_id == role.id, Offer.status.in_(LIVE_OFFERS))
    return bool(session.execute(select(proposal | offer)).scalar())


def _changed_beyond_description(role: PlacementRole, details: RoleDetails) -> bool:
    before = RoleDetails.of(role)
    before.description = details.description
    key = lambda asks: sorted((a.skill_id, a.level, a.weight, a.required) for a in asks)  # noqa: E731
    return (
        any(getattr(before, name) != getattr(details, name) for name in ROLE_FIELDS)
        or key(before.skills) != key(details.skills)
        or before.title != details.title.strip()
    )


def update(
    session: Session,
    role: PlacementRole,
    details: RoleDetails,
    *,
    publish: bool = False,
    today: date | None = None,
) -> PlacementRole:
    """Save changes to a draft or published role.

    Once live proposals or offers exist, only the description may change: they were made for the
    role as it was.
    """
    if role.status == "closed":
        raise Conflict("This role is closed: copy it to post it again")
    if has_commitments(session, role):
        if _changed_beyond_description(role, details):
            raise ValidationFailed(
                [
                    (
                        None,
                        "Students have been proposed or offered this role, so you can only "
                        "change its description. Close it and copy it to change anything else",
                    )
                ]
            )
        role.description = details.description.strip()
    else:
        check(session, details, today=today, places_taken=role.places_taken)
        _apply(role, details)
    session.flush()
    audit.record(session, "role_updated", object_type="role", object_id=role.id)
    if publish and role.status == "draft":
        request_publication(session, role, today=today)
    return role


def request_publication(
    session: Session, role: PlacementRole, *, today: date | None = None
) -> bool:
    """Publish the role, or remember to when the organisation is verified; True if published."""
    if role.status == "closed":
        raise Conflict("This role is closed: copy it to post it again")
    if role.status == "published":
        return True
    check(session, RoleDetails.of(role), today=today, places_taken=role.places_taken)
    organisation = role.organisation
    if organisation.status == "refused":
        raise Conflict("A coordinator refused your organisation, so its roles cannot be published")
    if organisation.status != "verified":
        role.publish_on_verification = True
        audit.record(session, "role_publication_requested", object_type="role", object_id=role.id)
        return False
    role.status = "published"
    role.publish_on_verification = False
    audit.record(session, "role_published", object_type="role", object_id=role.id)
    return True


def publish_waiting(
    session: Session, organisation: Organisation, *, today: date | None = None
) -> list[PlacementRole]:
    """Publish the drafts its members asked to publish; call when a coordinator verifies it.

    A draft that no longer meets the rules (its start date has passed, say) stays a draft.
    """
    published = []
    for role in organisation.roles:
        if role.status != "draft" or not role.publish_on_verification:
            continue
        if problems_with(
            session, RoleDetails.of(role), today=today, places_taken=role.places_taken
        ):
            continue
        role.status = "published"
        role.publish_on_verification = False
        audit.record(
            session,
            "role_published",
            object_type="role",
            object_id=role.id,
            detail={"on_verification": True},
        )
        published.append(role)
    session.flush()
    return published


def close(session: Session, role: PlacementRole) -> None:
    """No more matching for the role; offers already made stand."""
    if role.status == "closed":
        raise Conflict("This role is already closed")
    role.status = "closed"
    role.publish_on_verification = False
    audit.record(session, "role_closed", object_type="role", object_id=role.id)
    session.flush()


def copy(session: Session, role: PlacementRole) -> PlacementRole:
    """A new draft with the same details and skills; its dates are kept for the member to check."""
    new = PlacementRole(
        organisation_id=role.organisation_id,
        status="draft",
        places_taken=0,
        copied_from_id=role.id,
    )
    _apply(new, RoleDetails.of(role))
    session.add(new)
    session.flush()
    audit.record(
        session, "role_copied", object_type="role", object_id=new.id, detail={"from": role.id}
    )
    return new


@dataclass(frozen=True)
class Pool:
    """How many students fit the role, and how many more would with one requirement relaxed."""

    feasible: int
    relaxations: list[tuple[int, str]]

    @property
    def headline(self) -> str:
        verb = "meets" if self.feasible == 1 else "meet"
        return f"{students(self.feasible)} {verb} all your requirements"

    @property
    def sentence(self) -> str:
        parts = [self.headline] + [f"{count} {text}" for count, text in self.relaxations]
        return "; ".join(parts)


def students(count: int) -> str:
    return f"{count} student" if count == 1 else f"{count} students"


def _relaxation_text(rule: str, role: PlacementRole, labels: dict[str, str]) -> str:
    if rule.startswith("skill:"):
        skill_id = rule.split(":", 1)[1]
        return f"if {labels.get(skill_id, skill_id)} were desired rather than required"
    mode = reference.WORK_MODE_LABELS.get(role.work_mode, role.work_mode)
    texts = {
        "min_rqf_level": "if Level 6 students could apply",
        "hours_per_week": f"if students offering fewer than {role.hours_per_week} hours a week "
        "could apply",
        "work_mode": f"if students who did not choose {mode.lower()} work could apply",
        "dates": "if students not available for the whole of "
        f"{long_date(role.start_date)} to {long_date(role.end_date)} could apply",
    }
    return texts.get(rule, rule)


def pool(session: Session, role: PlacementRole) -> Pool:
    """The engine's pool size for a role (saved or not), in words with the skills' labels."""
    counted = snapshot.pool_for_role(session, role)
    labels = dict(session.execute(select(Skill.id, Skill.label)).all())
    relaxations = [
        (entry["feasible"], _relaxation_text(entry["rule"], role, labels))
        for entry in counted["relaxations"]
        if entry["feasible"] > counted["feasible"]
    ]
    return Pool(feasible=counted["feasible"], relaxations=relaxations)
