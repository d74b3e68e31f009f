"""Forms of the coordinator's university partner pages."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from placement import reference
from placement.forms import BaseForm, choices
from placement.models import API_SCOPES
from placement.student.forms import Checkboxes, Radios

SCOPE_LABELS = {
    "students:write": "Invite students (students:write)",
    "students:read": "Read sharing students and their stage (students:read)",
    "outcomes:read": "Read placements and feedback scores (outcomes:read)",
    "skills:read": "Read skills demand (skills:read)",
}
LIFETIMES = [("30", "30 days"), ("90", "90 days"), ("182", "6 months"), ("365", "1 year")]


class PartnerForm(BaseForm):
    university = SelectField(
        "University",
        widget=GovSelect(),
        choices=choices(reference.universities().items(), blank="Select a university"),
        validators=[InputRequired(message="Select a university")],
        validate_choice=False,  # the service says which universities may be added
    )
    submit = SubmitField("Add university partner", widget=GovSubmitInput())


class ContactForm(BaseForm):
    contact_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the contact's full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    contact_email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the contact's email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.ac.uk",
                check_deliverability=False,
            ),
        ],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    job_title = StringField(
        "Job title (optional)",
        widget=GovTextInput(),
        validators=[Length(max=120, message="Job title must be 120 characters or fewer")],
    )
    submit = SubmitField("Add contact", widget=GovSubmitInput())


class TokenForm(BaseForm):
    token_name = StringField(
        "Name of the token",
        widget=GovTextInput(),
        description="Say what it is for, like 'Student records system'.",
        validators=[
            InputRequired(message="Enter a name for the token"),
            Length(max=80, message="Name must be 80 characters or fewer"),
        ],
    )
    scopes = SelectMultipleField(
        "What may the token do?",
        widget=Checkboxes(),
        choices=choices((scope, SCOPE_LABELS[scope]) for scope in API_SCOPES),
        validators=[InputRequired(message="Select what the token may do")],
        invalid_choice_message="Select what the token may do",
    )
    days = RadioField(
        "How long should it last?",
        widget=Radios(),
        choices=choices(LIFETIMES),
        validators=[InputRequired(message="Select how long the token should last")],
        invalid_choice_message="Select how long the token should last",
    )
    submit = SubmitField("Issue token", widget=GovSubmitInput())
