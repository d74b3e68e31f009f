"""The profile's task pages: one page per task, read-only while a matching round uses it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from placement import reference
from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.forms import BaseForm
from placement.models import Skill, StudentProfile
from placement.services import students, taxonomy
from placement.student import bp
from placement.student.answers import summary_rows
from placement.student.forms import (
    WORK_MODE_HINTS,
    AboutYouForm,
    AvailabilityForm,
    CourseForm,
    RightToWorkForm,
    SectorsForm,
    WhereForm,
    skill_levels_form,
    skills_form,
)
from placement.student.helpers import (
    RETURN_TO_CHECK,
    after_task,
    current_profile,
    returning_to_check,
    task_back_link,
)

Page = str | Response | tuple[str, int]
UNSUBMITTED = (
    "Your profile is no longer submitted for matching because part of it is now incomplete or "
    "not eligible. Check your answers and submit it again."
)


def _locked_page(task: str, profile: StudentProfile) -> tuple[str, int]:
    page = render_template(
        "student/profile/locked.html",
        title=students.TASKS[task],
        rows=summary_rows(profile, task, change=False),
        message=students.LOCKED_MESSAGE,
        back_link=url_for("student.dashboard"),
    )
    return page, 409 if request.method == "POST" else 200


def _task(
    task: str,
    make_form: Callable[[StudentProfile], BaseForm],
    save: Callable[[StudentProfile, BaseForm], None],
    *,
    template: str | None = None,
    title: str | None = None,
    back_link: str | None = None,
    next_page: Callable[[StudentProfile], str] | None = None,
    **context: object,
) -> Page:
    """Show a task's form; on a valid POST save it through the service and move on."""
    profile = current_profile()
    if students.profile_in_use(db.session, profile):
        return _locked_page(task, profile)
    form = make_form(profile)
    if form.validate_on_submit():
        was_submitted = profile.status == "submitted"
        try:
            save(profile, form)
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        except Conflict:
            db.session.rollback()
            return _locked_page(task, current_profile())
        else:
            db.session.commit()
            if was_submitted and profile.status != "submitted":
                flash(UNSUBMITTED)
            return redirect(next_page(profile) if next_page else after_task())
    return render_template(
        template or f"student/profile/{task}.html",
        title=title or students.TASKS[task],
        form=form,
        profile=profile,
        back_link=back_link or task_back_link(),
        **context,
    )


@bp.route("/profile/about", methods=["GET", "POST"])
def about() -> Page:
    def save(profile: StudentProfile, form: BaseForm) -> None:
        students.save_about_you(
            db.session, profile, form.given_name.data, form.family_name.data, form.phone.data
        )

    return _task("about", lambda profile: AboutYouForm(obj=profile), save)


@bp.route("/profile/course", methods=["GET", "POST"])
def course() -> Page:
    def save(profile: StudentProfile, form: BaseForm) -> None:
        students.save_course(
            db.session,
            profile,
            university_id=form.university_id.data,
            course=form.course.data,
            rqf_level=form.rqf_level.data,
            expected_graduation=form.expected_graduation.data,
        )

    def next_page(profile: StudentProfile) -> str:
        return url_for("student.eligibility") if students.is_ineligible(profile) else after_task()

    return _task(
        "course",
        lambda profile: CourseForm(obj=profile),
        save,
        next_page=next_page,
        levels=reference.RQF_LEVELS,
    )


def _chosen_in_query() -> list[str]:
    return [skill for skill in request.args.getlist("skill") if skill]


@bp.route("/profile/skills", methods=["GET", "POST"])
def skills() -> Page:
    groups = taxonomy.skills_by_group(db.session)
    form_class = skills_form(groups)

    def make_form(profile: StudentProfile) -> BaseForm:
        chosen = set(_chosen_in_query() or [row.skill_id for row in profile.skills])
        data = {
            name: [
                skill.id for skill in groups[form_class.group_labels[name]] if skill.id in chosen
            ]
            for name in form_class.group_fields
        }
        return form_class(data=data)

    profile = current_profile()
    if students.profile_in_use(db.session, profile):
        return _locked_page("skills", profile)
    form = make_form(profile)
    if form.validate_on_submit():
        query = [("skill", skill) for skill in form.chosen()]
        if returning_to_check():
            query.append(("return_to", RETURN_TO_CHECK))
        return redirect(url_for("student.skill_levels") + "?" + urlencode(query))
    return render_template(
        "student/profile/skills.html",
        title="Choose your skills",
        form=form,
        profile=profile,
        groups=groups,
        max_skills=students.MAX_SKILLS,
        back_link=task_back_link(),
    )


@bp.route("/profile/skills/levels", methods=["GET", "POST"])
def skill_levels() -> Page:
    profile = current_profile()
    wanted = _chosen_in_query() or [row.skill_id for row in profile.skills]
    found = {
        skill.id: skill
        for skill in db.session.execute(select(Skill).where(Skill.id.in_(wanted))).scalars()
    }
    chosen = [found[skill_id] for skill_id in dict.fromkeys(wanted) if skill_id in found]
    if not chosen:
        kept = {"return_to": RETURN_TO_CHECK} if returning_to_check() else {}
        return redirect(url_for("student.skills", **kept))
    form_class = skill_levels_form(chosen)
    current = {row.skill_id: str(row.level) for row in profile.skills}

    def make_form(profile: StudentProfile) -> BaseForm:
        data = {f"level-{skill.id}": current.get(skill.id) for skill in chosen}
        return form_class(data=data)

    def save(profile: StudentProfile, form: BaseForm) -> None:
        levels = {skill.id: int(form[f"level-{skill.id}"].data) for skill in chosen}
        students.save_skills(db.session, profile, levels)

    back = (
        url_for("student.skills")
        + "?"
        + urlencode(
            [("skill", skill.id) for skill in chosen]
            + ([("return_to", RETURN_TO_CHECK)] if returning_to_check() else [])
        )
    )
    return _task(
        "skills",
        make_form,
        save,
        template="student/profile/skill_levels.html",
        title="Your level in each skill",
        back_link=back,
        levels=reference.skill_levels(),
        chosen=chosen,
    )


@bp.route("/profile/availability", methods=["GET", "POST"])
def availability() -> Page:
    def save(profile: StudentProfile, form: BaseForm) -> None:
        students.save_availability(
            db.session,
            profile,
            available_from=form.available_from.data,
            available_until=form.available_until.data,
            hours_per_week=form.hours_per_week.number,
        )

    return _task("availability", lambda profile: AvailabilityForm(obj=profile), save)


@bp.route("/profile/where", methods=["GET", "POST"])
def where() -> Page:
    def save(profile: StudentProfile, form: BaseForm) -> None:
        students.save_where(
            db.session, profile, work_modes=form.work_modes.data, borough=form.borough.data
        )

    return _task("where", lambda profile: WhereForm(obj=profile), save, hints=WORK_MODE_HINTS)


@bp.route("/profile/right-to-work", methods=["GET", "POST"])
def right_to_work() -> Page:
    def make_form(profile: StudentProfile) -> BaseForm:
        answer = {True: "yes", False: "no", None: None}[profile.right_to_work]
        return RightToWorkForm(data={"right_to_work": answer})

    def save(profile: StudentProfile, form: BaseForm) -> None:
        students.save_right_to_work(db.session, profile, form.right_to_work.data == "yes")

    return _task("right_to_work", make_form, save)


@bp.route("/profile/sectors", methods=["GET", "POST"])
def sectors() -> Page:
    def save(profile: StudentProfile, form: BaseForm) -> None:
        students.save_sectors(db.session, profile, form.sectors.data)

    return _task("sectors", lambda profile: SectorsForm(obj=profile), save)
