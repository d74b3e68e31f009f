"""Equality monitoring (optional, never used for matching) and the student's personal data."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from placement.errors import ValidationFailed
from placement.extensions import db
from placement.services import personal_data, students
from placement.student import bp
from placement.student.forms import ActionForm, EqualityForm
from placement.student.helpers import current_profile


@bp.route("/equality", methods=["GET", "POST"])
def equality() -> str | Response:
    user = current_user._get_current_object()
    form = EqualityForm(data=students.equality_answers(user))
    if form.validate_on_submit():
        answers = {field: form[field].data for field in students.EQUALITY_ANSWERS}
        try:
            saved = students.save_equality(db.session, user, answers)
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        else:
            db.session.commit()
            flash(
                "Thank you. Your equality monitoring answers have been saved."
                if saved
                else "You answered none of the questions, so nothing was saved.",
                "success",
            )
            return redirect(url_for("student.dashboard"))
    return render_template(
        "student/equality.html",
        title="Equality monitoring (optional)",
        form=form,
        answered=user.equality is not None,
        back_link=url_for("student.dashboard"),
    )


@bp.route("/equality/remove", methods=["POST"])
def remove_equality() -> Response:
    form = ActionForm()
    if form.validate_on_submit():
        students.remove_equality(db.session, current_user._get_current_object())
        db.session.commit()
        flash("Your equality monitoring answers have been deleted.", "success")
    return redirect(url_for("student.dashboard"))


@bp.route("/personal-data")
def personal_data_page() -> str:
    profile = current_profile()
    return render_template(
        "student/personal_data.html",
        title="Your personal data",
        keeps_placement=personal_data.keeps_placement(db.session, profile),
        back_link=url_for("student.dashboard"),
    )


@bp.route("/personal-data/download")
def download_data() -> Response:
    data = personal_data.export(db.session, current_user._get_current_object())
    db.session.commit()
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="your-personal-data.json"'},
    )


@bp.route("/personal-data/delete", methods=["GET", "POST"])
def delete_account() -> str | Response:
    profile = current_profile()
    keeps = personal_data.keeps_placement(db.session, profile)
    form = ActionForm()
    if form.validate_on_submit():
        outcome = personal_data.erase(db.session, current_user._get_current_object())
        db.session.commit()
        logout_user()
        session.clear()
        return render_template(
            "student/account_deleted.html",
            title="Your account has been deleted",
            anonymised=outcome == personal_data.ANONYMISED,
        )
    return render_template(
        "student/delete_account.html",
        title="Are you sure you want to delete your account?",
        form=form,
        keeps_placement=keeps,
        back_link=url_for("student.personal_data_page"),
    )
