"""Browsing open roles with the engine's fit, and ranking up to 5 of them."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from placement.access import refuse_unless
from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import PlacementRole, Skill, StudentProfile
from placement.services import open_role_cache, role_openers, student_roles, students
from placement.student import bp
from placement.student.forms import ActionForm, RoleFilterForm
from placement.student.helpers import current_profile, ordinal

MOVES = {"up": -1, "down": 1}
# Above this many open roles (national size) the page leaves out the changes that would open more.
OPENINGS_ROLE_LIMIT = 2_000


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if re.fullmatch(r"[0-9]{1,6}", page) else 1


def _page_items(page: int, pages: int, href: Callable[[int], str]) -> list[dict[str, object]]:
    """The first, last and nearby page numbers, with ellipses between: a few links at any size."""
    wanted = sorted({1, pages, *range(max(page - 1, 1), min(page + 1, pages) + 1)})
    items: list[dict[str, object]] = []
    for number in wanted:
        if items and number > int(str(items[-1]["number"])) + 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page})
    return items


def _pagination(page: int, pages: int, filters: dict[str, str]) -> dict[str, object] | None:
    if pages <= 1:
        return None

    def href(number: int) -> str:
        return url_for("student.roles") + "?" + urlencode({**filters, "page": number})

    params: dict[str, object] = {
        "items": _page_items(page, pages, href),
        "landmarkLabel": "Pages of roles",
    }
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params


def _filter_form() -> RoleFilterForm:
    skills = db.session.execute(select(Skill)).scalars()
    form = RoleFilterForm(formdata=request.args, skills=skills)
    form.validate()
    return form


def _fit_message(profile: StudentProfile) -> str | None:
    """Why the page cannot show how well roles fit, if it cannot."""
    if students.is_ineligible(profile):
        return students.INELIGIBLE_MESSAGE
    if students.missing_tasks(profile):
        return "Complete your profile to see how well each role fits you"
    return None


@bp.route("/roles")
def roles() -> str:
    profile = current_profile()
    form = _filter_form()
    filters = form.chosen()
    found = student_roles.roles_page(
        db.session,
        profile,
        filters,
        _page_number(),
        view=request.args.get("show"),
    )
    page = found.page
    kept = {**filters, "show": found.view}
    return render_template(
        "student/roles.html",
        title="Roles you can choose",
        form=form,
        roles=found.roles,
        total=found.total,
        first=found.first,
        fit=found.fit,
        fit_message=_fit_message(profile),
        ranks=_ranks(profile),
        pagination=_pagination(page, found.pages, kept),
        query=urlencode({**kept, "page": page}),
        filtered=bool(filters),
        max_choices=student_roles.MAX_CHOICES,
        view=found.view,
        views={name: _view_link(filters, name) for name in student_roles.VIEWS},
        matched_count=found.matched_count,
        open_count=found.open_count,
        openings=_openings(profile, found.open_roles) if found.matched_count is not None else [],
    )


def _view_link(filters: dict[str, str], view: str) -> str:
    return url_for("student.roles") + "?" + urlencode({**filters, "show": view})


def _openings(
    profile: StudentProfile, open_roles: open_role_cache.OpenRoles | None
) -> list[role_openers.Opening]:
    """Changes that would open more of all the open roles (not only the filtered ones).

    They are worked out from the engine's hard rules on every open role, once per student and
    version of the open roles in each process; past ``OPENINGS_ROLE_LIMIT`` open roles
    (national size) the page leaves them out.
    """
    open_roles = open_roles or open_role_cache.current(db.session)
    if len(open_roles.ids) > OPENINGS_ROLE_LIMIT:
        return []
    return open_role_cache.openings(
        profile,
        open_roles,
        lambda: role_openers.suggestions(db.session, profile, student_roles.open_roles(db.session)),
    )


def _ranks(profile: StudentProfile) -> dict[int, int]:
    return {preference.role_id: preference.rank for preference in profile.preferences}


def _open_role_or_404(role_id: int) -> PlacementRole:
    """An open role, or 404: a draft, closed, full or unverified role is not there for students."""
    role = student_roles.open_role(db.session, role_id)
    refuse_unless(role is not None)
    assert role is not None
    return role


def _back_to_roles() -> str:
    kept = {
        key: value for key, value in request.args.items() if key in (*student_roles.FILTERS, "page")
    }
    return url_for("student.roles") + ("?" + urlencode(kept) if kept else "")


def _role_page(role: PlacementRole, profile: StudentProfile, form: ActionForm) -> str:
    fit = student_roles.fits(db.session, profile, [role]).get(role.id)
    labels = student_roles.skill_labels(db.session, {skill.skill_id for skill in role.skills})
    return render_template(
        "student/role.html",
        title=role.title,
        role=role,
        form=form,
        fit=fit,
        fit_message=_fit_message(profile),
        skills=sorted(role.skills, key=lambda skill: (not skill.required, labels[skill.skill_id])),
        labels=labels,
        rank=_ranks(profile).get(role.id),
        choice_count=len(profile.preferences),
        max_choices=student_roles.MAX_CHOICES,
        can_choose=not students.is_ineligible(profile)
        and not students.profile_in_use(db.session, profile),
        back_link=_back_to_roles(),
    )


@bp.route("/roles/<int:role_id>")
def role(role_id: int) -> str:
    return _role_page(_open_role_or_404(role_id), current_profile(), ActionForm())


@bp.route("/roles/<int:role_id>/choose", methods=["POST"])
def choose_role(role_id: int) -> str | Response | tuple[str, int]:
    role = _open_role_or_404(role_id)
    profile = current_profile()
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rank = student_roles.add_choice(db.session, profile, role)
    except ValidationFailed as failure:
        db.session.rollback()
        form.add_problems(failure)
        return _role_page(role, current_profile(), form)
    except Conflict as conflict:
        db.session.rollback()
        form.form_errors.append(conflict.message)
        return _role_page(role, current_profile(), form), 409
    db.session.commit()
    flash(f"{role.title} is your {ordinal(rank)} choice", "success")
    return redirect(url_for("student.choices"))


@bp.route("/choices")
def choices() -> str:
    profile = current_profile()
    open_ids = student_roles.open_role_ids(db.session)
    return render_template(
        "student/choices.html",
        title="Your choices",
        preferences=list(profile.preferences),
        open_ids=open_ids,
        form=ActionForm(),
        locked=students.profile_in_use(db.session, profile),
        ineligible=students.is_ineligible(profile),
        max_choices=student_roles.MAX_CHOICES,
        back_link=url_for("student.dashboard"),
    )


@bp.route("/choices/<int:role_id>/<any(up, down, remove):action>", methods=["POST"])
def change_choice(role_id: int, action: str) -> str | Response | tuple[str, int]:
    profile = current_profile()
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    refuse_unless(role_id in {preference.role_id for preference in profile.preferences})
    try:
        if action == "remove":
            student_roles.remove_choice(db.session, profile, role_id)
        else:
            student_roles.move_choice(db.session, profile, role_id, MOVES[action])
    except (ValidationFailed, Conflict) as problem:
        db.session.rollback()
        flash(problem.message)
        return redirect(url_for("student.choices"))
    db.session.commit()
    return redirect(url_for("student.choices"))
