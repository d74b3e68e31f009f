"""Forms of the coordinator area: rounds, decisions, verification, invitations."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, ValidationError

from placement import reference
from placement.forms import BaseForm, choices


class ConfirmForm(BaseForm):
    """A button that changes something: CSRF-protected, nothing else to fill in."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class AnswerRequestForm(BaseForm):
    """A coordinator's answer to a student's change request."""

    outcome = RadioField(
        "What happened?",
        widget=GovRadioInput(),
        choices=choices(
            [("done", "The change is made"), ("declined", "The change is not possible")]
        ),
        validators=[InputRequired(message="Select whether the change was made")],
        invalid_choice_message="Select whether the change was made",
    )
    reply = StringField(
        "Your answer to the student",
        widget=GovCharacterCount(),
        description="The student sees this. Required when the change is not possible.",
        validators=[Length(max=1000, message="Your answer must be 1000 characters or fewer")],
    )
    submit = SubmitField("Send answer", widget=GovSubmitInput())


class ReasonForm(BaseForm):
    reason = StringField(
        "Reason",
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message="Enter a reason"),
            Length(max=1000, message="Reason must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class MovePlacementForm(BaseForm):
    """Confirm a start or a completion; a reason is needed only before the role starts."""

    early_reason = StringField(
        "Why is it happening before the role's start date?",
        widget=GovCharacterCount(),
        validators=[Length(max=1000, message="Reason must be 1000 characters or fewer")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


def _weight(label: str, default: int) -> IntegerField:
    return IntegerField(
        label,
        widget=GovTextInput(),
        default=default,
        render_kw={"class": "govuk-input--width-3", "inputmode": "numeric"},
        validators=[
            InputRequired(message=f"Enter a weight for {label.lower()}, as a whole number"),
            NumberRange(min=0, max=100, message=f"{label} must be from 0 to 100"),
        ],
    )


def _min_score(form: BaseForm, field: StringField) -> None:
    text = (field.data or "").strip() or "0"
    try:
        value = float(text)
    except ValueError:
        raise ValidationError("Enter the minimum score as a number, like 0.3") from None
    if not 0 <= value <= 1:
        raise ValidationError("Minimum score must be between 0 and 1")
    field.data = text


class RoundForm(BaseForm):
    name = StringField(
        "Name of the round",
        widget=GovTextInput(),
        description="For example, Summer 2027 first round",
        validators=[
            InputRequired(message="Enter a name for the round"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    universities = SelectMultipleField(
        "Only students from these universities (optional)",
        widget=GovCheckboxesInput(),
        description="Leave every box empty to include students from every university.",
        validate_choice=True,
    )
    sectors = SelectMultipleField(
        "Only roles in these sectors (optional)",
        widget=GovCheckboxesInput(),
        description="Leave every box empty to include roles in every sector.",
        validate_choice=True,
    )
    skills = _weight("Skills", 50)
    travel = _weight("Travel", 15)
    preferences = _weight("Preferences", 25)
    sector = _weight("Sector", 10)
    min_score = StringField(
        "Minimum score",
        widget=GovTextInput(),
        default="0",
        description="From 0 to 1. Pairs scoring below this are never proposed. "
        "0 (the default) proposes any pair that meets every rule.",
        render_kw={"class": "govuk-input--width-4", "inputmode": "decimal"},
        validators=[
            Length(max=10, message="Enter the minimum score as a number, like 0.3"),
            _min_score,
        ],
    )
    objective = RadioField(
        "What should the round aim for?",
        widget=GovRadioInput(),
        default="placements",
        choices=choices(
            [
                ("placements", "Place as many students as possible, then the best total score"),
                ("score", "The best total score, even if fewer students are placed"),
            ]
        ),
        validators=[InputRequired(message="Select what the round should aim for")],
    )
    seed = IntegerField(
        "Tie-break seed",
        widget=GovTextInput(),
        default=0,
        description="Equally good results are chosen by a lottery seeded with this number. "
        "The same seed always gives the same result.",
        render_kw={"class": "govuk-input--width-10", "inputmode": "numeric"},
        validators=[
            InputRequired(message="Enter the seed as a whole number"),
            NumberRange(min=0, max=2**31, message="Seed must be from 0 to 2147483648"),
        ],
    )
    submit = SubmitField("Create round", widget=GovSubmitInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.universities.choices = choices(reference.universities().items())
        self.sectors.choices = choices(reference.sectors().items())

    def weights(self) -> dict[str, float]:
        return {
            name: float(getattr(self, name).data)
            for name in ("skills", "travel", "preferences", "sector")
        }


class InviteForm(BaseForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
        render_kw={"spellcheck": "false"},
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class DecideForm(BaseForm):
    """Approve or reject the ticked proposals at once; a rejection needs one reason for all."""

    proposals = SelectMultipleField("Proposals", coerce=int, validate_choice=False)
    reason = StringField(
        "Reason for rejecting (needed only to reject)",
        widget=GovCharacterCount(),
        validators=[Length(max=1000, message="Reason must be 1000 characters or fewer")],
    )
    approve = SubmitField("Approve selected", widget=GovSubmitInput())
    reject = SubmitField("Reject selected", widget=GovSubmitInput())
