"""Forms and the feedback page shared by the student's and the organisation's offer pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.forms import BaseForm, choices
from placement.models import Placement
from placement.services import placements


class RespondForm(BaseForm):
    """Accept or decline an offer; a reason for declining is optional."""

    reason = StringField(
        "If you decline, tell us why (optional)",
        widget=GovCharacterCount(),
        validators=[Length(max=1000, message="Reason must be 1000 characters or fewer")],
    )
    accept = SubmitField("Accept offer", widget=GovSubmitInput())
    decline = SubmitField("Decline offer", widget=GovSubmitInput())
    # Set by the "Are you sure?" page: a decline without it asks for confirmation first.
    confirmed = HiddenField()

    @property
    def decline_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


class FeedbackForm(BaseForm):
    rating = RadioField(
        "How did the placement go?",
        widget=GovRadioInput(),
        choices=choices(
            [
                ("5", "5 - Very well"),
                ("4", "4 - Well"),
                ("3", "3 - Neither well nor badly"),
                ("2", "2 - Badly"),
                ("1", "1 - Very badly"),
            ]
        ),
        validators=[InputRequired(message="Select how the placement went")],
    )
    comment = StringField(
        "Comments (optional)",
        widget=GovCharacterCount(),
        validators=[Length(max=1000, message="Comments must be 1000 characters or fewer")],
    )
    submit = SubmitField("Send feedback", widget=GovSubmitInput())


def feedback_page(placement: Placement, side: str) -> str | Response:
    """One side's feedback on a completed placement: `side` is "student" or "organisation"."""
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            placements.give_feedback(
                db.session, placement, side, int(form.rating.data), form.comment.data or ""
            )
        except (Conflict, ValidationFailed) as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash("Thank you for your feedback.", "success")
            return redirect(url_for(f"{side}.offers"))
    return render_template(
        f"{side}/offers/feedback.html",
        placement=placement,
        form=form,
        given=placements.feedback_from(placement, side),
    )
