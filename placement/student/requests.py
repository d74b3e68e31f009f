"""Asking a coordinator for a change while a matching round uses the student's profile."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from placement.errors import ValidationFailed
from placement.extensions import db
from placement.services import change_requests, students
from placement.student import bp
from placement.student.forms import ChangeRequestForm
from placement.student.helpers import current_profile


@bp.route("/requests", methods=["GET", "POST"])
def change_request() -> str | Response:
    profile = current_profile()
    form = ChangeRequestForm()
    if form.validate_on_submit():
        try:
            change_requests.ask(db.session, profile, form.message.data)
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        else:
            db.session.commit()
            flash("Your request has been sent to the coordinators.", "success")
            return redirect(url_for("student.change_request"))
    return render_template(
        "student/change_request.html",
        title="Ask a coordinator",
        form=form,
        locked=students.profile_in_use(db.session, profile),
        requests=change_requests.for_student(db.session, profile),
        outcomes=change_requests.OUTCOMES,
        back_link=url_for("student.choices"),
    )
