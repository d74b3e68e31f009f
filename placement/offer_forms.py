"""Forms shared by the student's and the organisation's offer pages."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from placement.forms import BaseForm, choices


class RespondForm(BaseForm):
    """Accept or decline an offer; a reason for declining is optional."""

    reason = StringField(
        "If you decline, tell us why (optional)",
        widget=GovCharacterCount(),
        validators=[Length(max=1000, message="Reason must be 1000 characters or fewer")],
    )
    accept = SubmitField("Accept offer", widget=GovSubmitInput())
    decline = SubmitField("Decline offer", widget=GovSubmitInput())


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
