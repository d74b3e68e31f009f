"""The organisation area: the organisation, its members, its roles and their candidates."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from placement import access, reference
from placement.errors import Conflict, NotFound, ValidationFailed
from placement.extensions import db
from placement.models import Organisation, PlacementRole, Skill
from placement.organisation import bp
from placement.organisation.forms import (
    IMPORTANCE,
    SKILL_ROWS,
    ActionForm,
    ContactForm,
    InviteForm,
    RoleForm,
)
from placement.reference import alphabetical
from placement.services import mail, organisations, roles, taxonomy

# Problems that still leave the engine able to count the pool for an unsaved role.
POOL_IGNORES = {"title", "description", "pay", "places", "sector", "start_date"}
PUBLISH_WAITING = "Your role will be published once a coordinator has verified your organisation"


def my_organisation() -> Organisation:
    """The signed-in member's organisation (a member always has exactly one)."""
    organisation = current_user.organisation
    if organisation is None:
        abort(404)
    return organisation


def load_role(role_id: int) -> PlacementRole:
    """A role of the member's own organisation; any other id is answered with 404."""
    role = access.get_or_404(PlacementRole, role_id)
    access.refuse_unless(role.organisation_id == my_organisation().id)
    return role


def _labels() -> dict[str, object]:
    return {
        "boroughs": reference.boroughs(),
        "sectors": reference.sectors(),
        "work_modes": reference.WORK_MODE_LABELS,
        "rqf_levels": reference.RQF_LEVELS,
        "skill_levels": reference.skill_levels(),
        "importance": IMPORTANCE,
        "universities": reference.universities(),
        "pounds": roles.pounds,
        "long_date": roles.long_date,
    }


@bp.route("/")
def dashboard() -> str:
    organisation = my_organisation()
    return render_template(
        "organisation/dashboard.html",
        organisation=organisation,
        members=organisations.members(db.session, organisation),
        invitations=organisations.open_invitations(db.session, organisation),
        counts=organisations.role_counts(organisation),
        offers_to_answer=organisations.offers_to_answer(db.session, organisation),
        **_labels(),
    )


@bp.route("/details", methods=["GET", "POST"])
def details() -> str | Response:
    """Members keep the contact details and address up to date."""
    organisation = my_organisation()
    form = ContactForm(obj=organisation)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in organisations.CONTACT_FIELDS}
        try:
            changed = organisations.update_contact(
                db.session, organisation, values, current_user.id
            )
        except ValidationFailed as refusal:
            db.session.rollback()
            for name, message in refusal.problems:
                getattr(form, name or "submit").errors = [message]
        else:
            db.session.commit()
            flash("Details saved." if changed else "Nothing changed.", "success")
            return redirect(url_for("organisation.dashboard"))
    return render_template("organisation/details.html", form=form, organisation=organisation)


@bp.route("/members/invite", methods=["GET", "POST"])
def invite() -> str | Response:
    organisation = my_organisation()
    form = InviteForm()
    if form.validate_on_submit():
        try:
            token = organisations.invite_member(db.session, organisation, form.email.data)
        except ValidationFailed as failure:
            form.add_problems(failure)
        else:
            email = form.email.data.strip().lower()
            mail.send(
                db.session,
                email,
                f"Join {organisation.name}",
                "invitation",
                link=url_for("auth.accept_invitation", token=token, _external=True),
                organisation=organisation.name,
                role="organisation",
                days=current_app.config["INVITATION_DAYS"],
            )
            db.session.commit()
            flash(f"We have sent an invitation to {email}", "success")
            return redirect(url_for("organisation.dashboard"))
    return render_template("organisation/invite.html", form=form)


@bp.route("/roles", endpoint="roles")
def roles_list() -> str:
    organisation = my_organisation()
    listed = sorted(
        organisation.roles,
        key=lambda role: (("draft", "published", "closed").index(role.status), -role.id),
    )
    return render_template(
        "organisation/roles.html", organisation=organisation, roles=listed, **_labels()
    )


def _skill_options() -> list[tuple[str, str]]:
    """Every skill as (id, label), in the reader's alphabet."""
    rows = db.session.execute(select(Skill.id, Skill.label)).all()
    return sorted(
        ((skill_id, label) for skill_id, label in rows), key=lambda row: alphabetical(row[1])
    )


def _pool_for_typed(form: RoleForm, organisation: Organisation) -> tuple[roles.Pool | None, bool]:
    """The pool for the role as typed (never saved); not counted while the form has a problem."""
    details = form.details()
    problems = roles.problems_with(db.session, details)
    if problems:
        form.add_problems(ValidationFailed(problems))
        return None, True
    return roles.pool(db.session, roles.unsaved(organisation, details)), False


@bp.route("/roles/pool", methods=["POST"])
def role_pool() -> str:
    """The pool panel for the role form as it stands, for the page's script to show live.

    Only what matching reads counts here (dates, hours, work mode, level, skills): a title or
    pay not typed yet does not stop the count.
    """
    organisation = my_organisation()
    form = RoleForm(skill_options=_skill_options())
    form.sync_rows()
    form.validate()  # the CSRF token was checked before the view; this checks each box
    details = form.pool_details(organisation)
    blocked = details is None or any(
        field not in POOL_IGNORES for field, _ in roles.problems_with(db.session, details)
    )
    pool = None if blocked else roles.pool(db.session, roles.unsaved(organisation, details))
    return render_template("organisation/_pool.html", pool=pool, pool_blocked=blocked, typed=True)


def _after_save(role: PlacementRole, publish: bool) -> Response:
    if not publish:
        flash("Role saved as a draft", "success")
    elif role.status == "published":
        flash("Role published: students can now see and rank it", "success")
    else:
        flash(PUBLISH_WAITING, "success")
    return redirect(url_for("organisation.role", role_id=role.id))


def _role_form_page(organisation: Organisation, role: PlacementRole | None) -> str | Response:
    initial = RoleForm.initial(roles.RoleDetails.of(role)) if role else _new_role_defaults()
    form = RoleForm(
        data=initial if request.method == "GET" else None, skill_options=_skill_options()
    )
    action = request.form.get("action", "draft")
    pool, pool_blocked = None, False
    if form.is_submitted():
        form.sync_rows()
    if action == "skills" and form.is_submitted():
        pass  # "Update the skills below" (without JavaScript): show a row per chosen skill
    elif form.validate_on_submit():
        if action == "check":
            pool, pool_blocked = _pool_for_typed(form, organisation)
        else:
            publish = action == "publish"
            try:
                if role is None:
                    saved = roles.create(db.session, organisation, form.details(), publish=publish)
                else:
                    saved = roles.update(db.session, role, form.details(), publish=publish)
            except ValidationFailed as failure:
                db.session.rollback()
                form.add_problems(failure)
            except Conflict as conflict:
                db.session.rollback()
                form.form_errors.append(conflict.message)
            else:
                db.session.commit()
                return _after_save(saved, publish)
    elif form.is_submitted():
        pool_blocked = action == "check"
    elif role is not None:
        pool = roles.pool(db.session, role)
    return render_template(
        "organisation/role_form.html",
        form=form,
        role=role,
        organisation=organisation,
        pool=pool,
        pool_blocked=pool_blocked,
        locked=role is not None and roles.has_commitments(db.session, role),
        **_skill_choosing(),
    )


def _skill_choosing() -> dict[str, object]:
    """What the role form's skill chooser and rows are built from."""
    levels = [
        (str(level), f"{level}: {name}") for level, (name, _) in reference.skill_levels().items()
    ]
    return {
        "skill_groups": taxonomy.skills_by_group(db.session),
        "max_skills": SKILL_ROWS,
        "level_options": levels,
        "importance_options": [(str(weight), label) for weight, label in IMPORTANCE.items()],
    }


def _new_role_defaults() -> dict[str, object]:
    organisation = my_organisation()
    return {
        "borough": organisation.borough,
        "sector": organisation.sector,
        "min_rqf_level": "6",
        "places": 1,
    }


@bp.route("/roles/new", methods=["GET", "POST"])
def new_role() -> str | Response:
    return _role_form_page(my_organisation(), None)


@bp.route("/roles/<int:role_id>/edit", methods=["GET", "POST"])
def edit_role(role_id: int) -> str | Response:
    role = load_role(role_id)
    if role.status == "closed":
        flash("This role is closed, so it cannot be changed: copy it to post it again")
        return redirect(url_for("organisation.role", role_id=role.id))
    return _role_form_page(role.organisation, role)


@bp.route("/roles/<int:role_id>")
def role(role_id: int) -> str:
    found = load_role(role_id)
    return render_template(
        "organisation/role.html",
        role=found,
        form=ActionForm(),
        candidates=len(organisations.candidates(db.session, found)),
        skills=sorted(found.skills, key=lambda s: (not s.required, -s.weight, s.skill.label)),
        **_labels(),
    )


def _action_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.route("/roles/<int:role_id>/publish", methods=["POST"])
def publish_role(role_id: int) -> str | Response:
    found = load_role(role_id)
    _action_form()
    try:
        published = roles.request_publication(db.session, found)
    except ValidationFailed as failure:
        db.session.rollback()
        form = RoleForm(
            formdata=None,
            data=RoleForm.initial(roles.RoleDetails.of(found)),
            skill_options=_skill_options(),
        )
        form.form_errors.append("Fix these problems, then publish the role")
        form.add_problems(failure)
        return render_template(
            "organisation/role_form.html",
            form=form,
            role=found,
            organisation=found.organisation,
            pool=None,
            pool_blocked=False,
            locked=False,
            **_skill_choosing(),
        )
    except Conflict as conflict:
        db.session.rollback()
        flash(conflict.message)
        return redirect(url_for("organisation.role", role_id=found.id))
    db.session.commit()
    flash(
        "Role published: students can now see and rank it" if published else PUBLISH_WAITING,
        "success",
    )
    return redirect(url_for("organisation.role", role_id=found.id))


@bp.route("/roles/<int:role_id>/close", methods=["GET", "POST"])
def close_role(role_id: int) -> str | Response:
    found = load_role(role_id)
    form = ActionForm()
    if found.status == "closed":
        flash("This role is already closed")
        return redirect(url_for("organisation.role", role_id=found.id))
    if form.validate_on_submit():
        try:
            roles.close(db.session, found)
        except Conflict as conflict:
            db.session.rollback()
            flash(conflict.message)
        else:
            db.session.commit()
            flash("Role closed: it will not be matched with any more students", "success")
        return redirect(url_for("organisation.role", role_id=found.id))
    return render_template("organisation/close_role.html", role=found, form=form)


@bp.route("/roles/<int:role_id>/copy", methods=["POST"])
def copy_role(role_id: int) -> Response:
    found = load_role(role_id)
    _action_form()
    new = roles.copy(db.session, found)
    db.session.commit()
    flash("Role copied as a new draft: check its dates and pay, then save it", "success")
    return redirect(url_for("organisation.edit_role", role_id=new.id))


@bp.route("/roles/<int:role_id>/candidates")
def candidates(role_id: int) -> str:
    found = load_role(role_id)
    return render_template(
        "organisation/candidates.html",
        role=found,
        candidates=organisations.candidates(db.session, found),
        form=ActionForm(),
        **_labels(),
    )


def _candidate_action(role_id: int, reference_code: str, mark: bool) -> Response:
    found = load_role(role_id)
    _action_form()
    try:
        candidate = organisations.find_candidate(db.session, found, reference_code)
    except NotFound:
        access.refuse_unless(False)
        raise
    try:
        if mark:
            organisations.mark_interest(db.session, found, candidate)
        else:
            organisations.unmark_interest(db.session, found, candidate)
    except Conflict as conflict:
        db.session.rollback()
        flash(conflict.message)
    else:
        db.session.commit()
        flash(
            f"{candidate.label} {'marked' if mark else 'no longer marked'} "
            "as a student you would like",
            "success",
        )
    return redirect(
        url_for("organisation.candidates", role_id=found.id) + f"#candidate-{candidate.reference}"
    )


@bp.route("/roles/<int:role_id>/candidates/<reference_code>/mark", methods=["POST"])
def mark_candidate(role_id: int, reference_code: str) -> Response:
    return _candidate_action(role_id, reference_code, mark=True)


@bp.route("/roles/<int:role_id>/candidates/<reference_code>/unmark", methods=["POST"])
def unmark_candidate(role_id: int, reference_code: str) -> Response:
    return _candidate_action(role_id, reference_code, mark=False)
