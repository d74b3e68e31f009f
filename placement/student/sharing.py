"""The student's choice to share their progress with their university (off until they say yes)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from placement import reference
from placement.extensions import db
from placement.forms import BaseForm, choices
from placement.services import sharing
from placement.student import bp
from placement.student.forms import Radios
from placement.student.helpers import current_profile


class SharingForm(BaseForm):
    shares = RadioField(
        "Do you want to share your progress with your university?",
        widget=Radios(),
        choices=choices(
            [
                ("yes", "Yes, share my progress with my university"),
                ("no", "No, do not share it"),
            ]
        ),
        validators=[InputRequired(message="Select yes or no")],
        invalid_choice_message="Select yes or no",
    )
    submit = SubmitField("Save my choice", widget=GovSubmitInput())


@bp.route("/sharing", methods=["GET", "POST"])
def sharing_page() -> str | Response:
    profile = current_profile()
    form = SharingForm(data={"shares": "yes" if profile.shares_with_university else "no"})
    if form.validate_on_submit():
        shares = form.shares.data == "yes"
        sharing.set_sharing(db.session, profile, shares)
        db.session.commit()
        flash(
            "Your university can now see your progress."
            if shares
            else "Your university can no longer see your progress.",
            "success",
        )
        return redirect(url_for("student.dashboard"))
    return render_template(
        "student/sharing.html",
        title="Share your progress with your university",
        form=form,
        university=reference.universities().get(profile.university_id or ""),
        shares=profile.shares_with_university,
        back_link=url_for("student.dashboard"),
    )
