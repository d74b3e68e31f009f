"""Forms for registering, signing in and managing passwords."""

from __future__ import annotations

import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)

from placement import reference
from placement.forms import BaseForm, choices

EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"
COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")


def email_field(label: str = "Email address") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message=EMAIL_MESSAGE, check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def _stripped(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def address_field() -> StringField:
    return StringField(
        "Address",
        widget=GovTextArea(),
        filters=[_stripped],
        validators=[
            DataRequired(message="Enter the organisation's address"),
            Length(max=500, message="Address must be 500 characters or fewer"),
        ],
    )


def contact_name_field(label: str, missing: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_stripped],
        validators=[
            DataRequired(message=missing),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
        render_kw={"autocomplete": "name"},
    )


def phone_field() -> StringField:
    return StringField(
        "Telephone number (optional)",
        widget=GovTextInput(),
        validators=[
            Length(max=30, message="Telephone number must be 30 characters or fewer"),
            Regexp(r"^[0-9 +()-]*$", message="Enter a telephone number, like 020 7946 0000"),
        ],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )


def new_password_field(label: str = "Create a password") -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        description="Use 12 characters or more. A few unrelated words are easy to remember.",
        validators=[InputRequired(message="Enter a password")],
        render_kw={"autocomplete": "new-password"},
    )


class RegisterStudentForm(BaseForm):
    email = email_field()
    password = new_password_field()
    submit = SubmitField("Create account", widget=GovSubmitInput())


def _company_number(form: BaseForm, field: StringField) -> None:
    value = (field.data or "").replace(" ", "").upper()
    field.data = value
    if not COMPANY_NUMBER.match(value):
        raise ValidationError(
            "Enter a Companies House number in the correct format, like 01234567 or SC123456"
        )


class RegisterOrganisationForm(BaseForm):
    name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your organisation's name"),
            Length(max=160, message="Organisation name must be 160 characters or fewer"),
        ],
    )
    companies_house_number = StringField(
        "Companies House number",
        widget=GovTextInput(),
        description="8 characters, like 01234567 or SC123456",
        validators=[InputRequired(message="Enter your Companies House number"), _company_number],
    )
    headcount = IntegerField(
        "How many people work for the organisation?",
        widget=GovTextInput(),
        description="Include part-time staff. Fewer than 250 counts as a small or medium-sized "
        "enterprise (SME).",
        validators=[
            InputRequired(message="Enter how many people work for the organisation, as a number"),
            NumberRange(min=1, max=1_000_000, message="Enter a number of people from 1 upwards"),
        ],
    )
    is_startup = RadioField(
        "Has the organisation been trading for less than 5 years?",
        widget=GovRadioInput(),
        choices=choices([("yes", "Yes, it is a start-up"), ("no", "No")]),
        validators=[InputRequired(message="Select yes if the organisation is a start-up")],
    )
    sector = SelectField(
        "Sector",
        widget=GovSelect(),
        validators=[InputRequired(message="Select your organisation's sector")],
    )
    borough = SelectField(
        "Borough where the placements will be based",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the borough")],
    )
    address = address_field()
    contact_name = contact_name_field("Your full name", "Enter your full name")
    contact_phone = phone_field()
    email = email_field("Your work email address")
    password = new_password_field()
    submit = SubmitField("Register organisation", widget=GovSubmitInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.sector.choices = choices(reference.sectors().items(), blank="Select a sector")
        self.borough.choices = choices(reference.boroughs().items(), blank="Select a borough")


class SignInForm(BaseForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address")],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(BaseForm):
    email = email_field()
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class NewPasswordForm(BaseForm):
    password = new_password_field("New password")
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field("New password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    """A form with only a button: for actions such as signing out."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
