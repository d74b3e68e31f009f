"""The student area: the task list, checking and submitting the profile, withdrawing."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import StudentProfile
from placement.services import student_roles, students
from placement.student import bp
from placement.student.answers import all_sections
from placement.student.forms import ActionForm
from placement.student.helpers import TASK_ENDPOINTS, current_profile

TASK_STATUS = {
    students.COMPLETED: {"text": "Completed"},
    students.INCOMPLETE: {"tag": {"text": "Incomplete", "classes": "govuk-tag--light-blue"}},
    students.NOT_STARTED: {"tag": {"text": "Not yet started", "classes": "govuk-tag--blue"}},
}
CANNOT_START = {"text": "Cannot start yet", "classes": "govuk-task-list__status--cannot-start-yet"}


def _task_items(statuses: dict[str, str]) -> list[dict[str, object]]:
    return [
        {
            "title": {"text": title},
            "href": url_for(TASK_ENDPOINTS[key]),
            "status": TASK_STATUS[statuses[key]],
        }
        for key, title in students.TASKS.items()
    ]


def _submit_item(
    profile: StudentProfile, missing: list[str], ineligible: bool
) -> dict[str, object]:
    item: dict[str, object] = {"title": {"text": "Check and submit your profile"}}
    if ineligible:
        item["status"] = CANNOT_START
        item["hint"] = {"text": "Part 3 placements are for Level 6 and above"}
    elif missing:
        item["status"] = CANNOT_START
        item["hint"] = {"text": "Complete every part of your profile first"}
    elif profile.status == "submitted":
        item["href"] = url_for("student.check_answers")
        item["status"] = {"text": "Submitted"}
    else:
        item["href"] = url_for("student.check_answers")
        item["status"] = TASK_STATUS[students.NOT_STARTED]
    return item


@bp.route("/")
def dashboard() -> str:
    profile = current_profile()
    statuses = students.task_statuses(profile)
    missing = students.missing_tasks(profile)
    ineligible = students.is_ineligible(profile)
    return render_template(
        "student/dashboard.html",
        title="Your placement profile",
        profile=profile,
        locked=students.profile_in_use(db.session, profile),
        ineligible=ineligible,
        completed=list(statuses.values()).count(students.COMPLETED),
        task_count=len(students.TASKS),
        task_items=_task_items(statuses),
        submit_item=_submit_item(profile, missing, ineligible),
        choice_count=len(profile.preferences),
        max_choices=student_roles.MAX_CHOICES,
        equality_answered=profile.user.equality is not None,
    )


@bp.route("/eligibility")
def eligibility() -> str:
    profile = current_profile()
    return render_template(
        "student/eligibility.html",
        title="Part 3 placements are for Level 6 and above",
        profile=profile,
        back_link=url_for("student.course"),
    )


@bp.route("/profile/check", methods=["GET", "POST"])
def check_answers() -> str | Response:
    profile = current_profile()
    locked = students.profile_in_use(db.session, profile)
    form = ActionForm()
    problems: list[tuple[str | None, str]] = []
    if form.validate_on_submit():
        try:
            students.submit(db.session, profile)
        except ValidationFailed as failure:
            db.session.rollback()
            problems = failure.problems
            form.add_problems(failure)
        except Conflict as conflict:
            db.session.rollback()
            form.form_errors.append(conflict.message)
        else:
            db.session.commit()
            return redirect(url_for("student.submitted"))
    missing = students.missing_tasks(profile)
    return render_template(
        "student/check_answers.html",
        title="Check your answers before submitting your profile",
        form=form,
        problems=problems,
        profile=profile,
        sections=all_sections(profile, change=not locked),
        missing={key: students.TASKS.get(key, key) for key in missing},
        ineligible=students.is_ineligible(profile),
        locked=locked,
        task_endpoints=TASK_ENDPOINTS,
        back_link=url_for("student.dashboard"),
    )


@bp.route("/profile/submitted")
def submitted() -> str | Response:
    profile = current_profile()
    if profile.status != "submitted":
        return redirect(url_for("student.dashboard"))
    return render_template(
        "student/submitted.html", title="Profile submitted for matching", profile=profile
    )


@bp.route("/profile/withdraw", methods=["GET", "POST"])
def withdraw() -> str | Response:
    profile = current_profile()
    if profile.status != "submitted":
        return redirect(url_for("student.dashboard"))
    form = ActionForm()
    if form.validate_on_submit():
        try:
            students.withdraw(db.session, profile)
        except Conflict as conflict:
            db.session.rollback()
            form.form_errors.append(conflict.message)
        else:
            db.session.commit()
            flash(
                "You have withdrawn from matching. You can submit your profile again at any time."
            )
            return redirect(url_for("student.dashboard"))
    return render_template(
        "student/withdraw.html",
        title="Are you sure you want to withdraw from matching?",
        form=form,
        back_link=url_for("student.dashboard"),
    )
