"""Forms of the student area: one per task page, plus the role filters and action buttons."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, StopValidation

from placement import reference
from placement.forms import BaseForm, choices
from placement.models import Skill
from placement.services import students

PHONE = r"^[0-9 +()-]*\Z"
WORK_MODE_HINTS = {
    "on-site": "You work at the organisation's premises every day",
    "hybrid": "Some days at the organisation's premises, some days from home",
    "remote": "You work from home; you may be asked to visit now and then",
}


def _without_empty_hint(params: dict[str, Any]) -> dict[str, Any]:
    hint = params.get("hint") or {}
    if not hint.get("text") and not hint.get("html"):
        params.pop("hint", None)
    return params


class Radios(GovRadioInput):
    """GOV.UK radios, without an empty hint when the field has no description."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        return _without_empty_hint(super().map_gov_params(field, **kwargs))


class Checkboxes(GovCheckboxesInput):
    """GOV.UK checkboxes, without an empty hint when the field has no description."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        return _without_empty_hint(super().map_gov_params(field, **kwargs))


class DateWidget(GovDateInput):
    """GOV.UK date input for day, month and year, or only month and year."""

    def map_gov_params(self, field: DateInputField, **kwargs: Any) -> dict[str, Any]:
        params = super(GovDateInput, self).map_gov_params(field, **kwargs)
        values = dict(zip(field.parts, field.raw_parts(), strict=True))
        widths = {"day": 2, "month": 2, "year": 4}
        params.setdefault("fieldset", {"legend": {"text": field.label.text}})
        params["items"] = [
            {
                "label": part.capitalize(),
                "id": f"{field.id}-{part}",
                "name": field.name,
                "classes": f"govuk-input--width-{widths[part]}"
                + (" govuk-input--error" if field.errors else ""),
                "value": values[part],
            }
            for part in field.parts
        ]
        return params


class DateInputField(Field):
    """A date typed as separate day, month and year boxes, with GOV.UK's error messages.

    With `parts=("month", "year")` the date is the first of the month. A POST that leaves the
    boxes out altogether is treated like empty boxes (never a server error).
    """

    widget = DateWidget()

    def __init__(
        self,
        label: str,
        *,
        what: str,
        parts: Sequence[str] = ("day", "month", "year"),
        required: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, **kwargs)
        self.what = what
        self.parts = tuple(parts)
        self.required = required

    @property
    def error_anchor(self) -> str:
        return f"{self.id}-{self.parts[0]}"

    def raw_parts(self) -> list[str]:
        if self.raw_data:
            padded = [*self.raw_data, "", "", ""]
            return [str(value) for value in padded[: len(self.parts)]]
        if isinstance(self.data, date):
            values = {"day": self.data.day, "month": self.data.month, "year": self.data.year}
            return [str(values[part]) for part in self.parts]
        return ["" for _ in self.parts]

    def _value(self) -> str:
        return " ".join(self.raw_parts())

    def process_formdata(self, valuelist: list[Any]) -> None:
        typed = dict(zip(self.parts, [str(value).strip() for value in valuelist], strict=False))
        missing = [part for part in self.parts if not typed.get(part)]
        if len(missing) == len(self.parts):
            self.data = None
            return
        if missing:
            raise ValueError(f"{self.what} must include a {' and '.join(missing)}")
        if not all(re.fullmatch(r"[0-9]{1,4}", typed[part]) for part in self.parts):
            raise ValueError(f"{self.what} must be a real date")
        if len(typed["year"]) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(int(typed["year"]), int(typed["month"]), int(typed.get("day", "1")))
        except (ValueError, OverflowError):
            raise ValueError(f"{self.what} must be a real date") from None

    def pre_validate(self, form: BaseForm) -> None:
        if self.process_errors:
            raise StopValidation()
        if self.data is None and self.required:
            raise StopValidation(f"Enter {self.what[0].lower() + self.what[1:]}")


class WholeNumberField(StringField):
    """A whole number typed in a text box, refused with the field's own message."""

    def __init__(self, label: str, *, low: int, high: int, message: str, **kwargs: Any) -> None:
        super().__init__(label, widget=GovTextInput(), **kwargs)
        self.low, self.high, self.message = low, high, message

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = str(valuelist[0]) if valuelist else ""

    def pre_validate(self, form: BaseForm) -> None:
        typed = str(self.data if self.data is not None else "").strip()
        if not re.fullmatch(r"[0-9]{1,4}", typed) or not self.low <= int(typed) <= self.high:
            raise StopValidation(self.message)

    @property
    def number(self) -> int:
        return int(str(self.data).strip())


class PlainText:
    """Refuses control characters (tabs, line breaks, NUL): no database or page needs them."""

    def __init__(self, what: str) -> None:
        self.message = f"Remove the hidden characters, such as tabs or line breaks, from {what}"

    def __call__(self, form: BaseForm, field: Field) -> None:
        if any(unicodedata.category(char) == "Cc" for char in field.data or ""):
            raise StopValidation(self.message)


def _radio(
    label: str, pairs: Iterable[tuple[str, str]], required: str, **kwargs: Any
) -> RadioField:
    return RadioField(
        label,
        widget=Radios(),
        choices=choices(pairs),
        validators=[InputRequired(message=required)],
        invalid_choice_message=required,
        **kwargs,
    )


def _optional_radio(label: str, pairs: Iterable[tuple[str, str]], **kwargs: Any) -> RadioField:
    return RadioField(
        label,
        widget=Radios(),
        choices=choices(pairs),
        validators=[Optional()],
        invalid_choice_message="Select an answer from the list",
        **kwargs,
    )


def _checkboxes(
    label: str, pairs: Iterable[tuple[str, str]], message: str, **kwargs: Any
) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        widget=Checkboxes(),
        choices=choices(pairs),
        validators=[InputRequired(message=message)],
        invalid_choice_message=message,
        **kwargs,
    )


def _submit(text: str = "Save and continue") -> SubmitField:
    return SubmitField(text, widget=GovSubmitInput())


class AboutYouForm(BaseForm):
    given_name = StringField(
        "First name",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter your first name"),
            Length(max=100, message="First name must be 100 characters or fewer"),
            PlainText("your first name"),
        ],
        render_kw={"autocomplete": "given-name", "spellcheck": "false"},
    )
    family_name = StringField(
        "Last name",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter your last name"),
            Length(max=100, message="Last name must be 100 characters or fewer"),
            PlainText("your last name"),
        ],
        render_kw={"autocomplete": "family-name", "spellcheck": "false"},
    )
    phone = StringField(
        "Telephone number (optional)",
        widget=GovTextInput(),
        description="For the placement team to call you about a placement, like 07700 900 982",
        validators=[
            Optional(),
            Length(max=30, message="Telephone number must be 30 characters or fewer"),
            Regexp(PHONE, message="Enter a telephone number, like 07700 900 982"),
        ],
        render_kw={"autocomplete": "tel"},
    )
    submit = _submit()


class CourseForm(BaseForm):
    university_id = SelectField(
        "University",
        widget=GovSelect(),
        validators=[InputRequired(message="Select your university")],
        invalid_choice_message="Select your university",
    )
    course = StringField(
        "Course",
        widget=GovTextInput(),
        description="For example, BSc Computer Science",
        validators=[
            DataRequired(message="Enter the name of your course"),
            Length(max=200, message="Course name must be 200 characters or fewer"),
            PlainText("the name of your course"),
        ],
    )
    rqf_level = _radio(
        "What level is your course?",
        [(str(level), f"Level {level}") for level in reference.RQF_LEVELS],
        "Select the level of your course",
        coerce=int,
        description="Levels come from the Regulated Qualifications Framework (RQF) used in "
        "England. Ask your university if you are not sure.",
    )
    expected_graduation = DateInputField(
        "When do you expect to graduate?",
        what="The date you expect to graduate",
        parts=("month", "year"),
        description="For example, 7 2028",
    )
    submit = _submit()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.university_id.choices = choices(
            reference.universities().items(), blank="Select your university"
        )


class AvailabilityForm(BaseForm):
    available_from = DateInputField(
        "The first day you can start",
        what="The date you can start",
        description="For example, 16 6 2027",
    )
    available_until = DateInputField(
        "The last day you can work",
        what="The last day you can work",
        description="For example, 30 9 2027",
    )
    hours_per_week = WholeNumberField(
        "How many hours a week can you work?",
        low=1,
        high=48,
        message="Enter the hours a week you can work, as a whole number from 1 to 48",
        description="Most placements are between 14 and 37 hours a week",
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )
    submit = _submit()


class WhereForm(BaseForm):
    work_modes = _checkboxes(
        "How would you like to work?",
        reference.WORK_MODE_LABELS.items(),
        "Select at least one way you would like to work",
        description="Select all that apply",
    )
    borough = SelectField(
        "Your home borough",
        widget=GovSelect(),
        description="Used to work out your travel to on-site and hybrid roles. If you live outside "
        "London, choose the borough you would travel into or through. You can leave it empty if "
        "you only want remote work.",
        invalid_choice_message="Select a London borough from the list",
    )
    submit = _submit()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.borough.choices = choices(reference.boroughs().items(), blank="Select a borough")


class RightToWorkForm(BaseForm):
    right_to_work = _radio(
        "Do you have the right to work in the UK?",
        [("yes", "Yes"), ("no", "No")],
        "Select yes if you have the right to work in the UK",
        description="For example as a British or Irish citizen, with settled or pre-settled "
        "status, or with a visa that lets you work. Student visas usually limit the hours you can "
        "work during term time.",
    )
    submit = _submit()


class SectorsForm(BaseForm):
    sectors = _checkboxes(
        "Which sectors interest you?",
        reference.sectors().items(),
        "Select at least one sector that interests you",
        description="Select all that apply. Roles in these sectors count as a better fit.",
    )
    submit = _submit()


class EqualityForm(BaseForm):
    """Every question may be left unanswered, on its own: none depends on another."""

    gender = _optional_radio(
        "What is your gender?",
        students.EQUALITY_ANSWERS["gender"].items(),
    )
    age_band = _optional_radio(
        "How old are you?",
        students.EQUALITY_ANSWERS["age_band"].items(),
    )
    ethnicity = _optional_radio(
        "What is your ethnic group?",
        students.EQUALITY_ANSWERS["ethnicity"].items(),
        description="These are the groups used by the Office for National Statistics in the 2021 "
        "Census.",
    )
    disability = _optional_radio(
        "Do you consider yourself to have a disability or long-term health condition?",
        students.EQUALITY_ANSWERS["disability"].items(),
        description="A physical or mental condition that has lasted, or is expected to last, 12 "
        "months or more and affects your day-to-day life.",
    )
    first_in_family = _optional_radio(
        "Are you the first in your immediate family to go to university?",
        students.EQUALITY_ANSWERS["first_in_family"].items(),
        description="Immediate family means your parents, carers, brothers and sisters.",
    )
    free_school_meals = _optional_radio(
        "Did you receive free school meals at any point while at school?",
        students.EQUALITY_ANSWERS["free_school_meals"].items(),
        description="We ask this because it is a widely used sign of a disadvantaged background.",
    )
    submit = _submit("Save answers")


class ChangeRequestForm(BaseForm):
    """A request to the coordinators while a matching round uses the profile."""

    message = StringField(
        "What would you like to change, and why?",
        widget=GovCharacterCount(),
        description="For example: move a role up your choices, remove a role, or correct your "
        "hours. Do not include anything about your health or background.",
        validators=[
            InputRequired(message="Enter what you would like to change"),
            Length(max=1000, message="Your request must be 1000 characters or fewer"),
        ],
    )
    submit = _submit("Send request")


class ActionForm(BaseForm):
    """A button and its CSRF token: for actions such as submitting or removing a choice."""

    submit = _submit("Continue")


class RoleFilterForm(BaseForm):
    """The filters on the roles page: sent by GET, kept in the address, no CSRF token."""

    class Meta:
        csrf = False

    skill = SelectField(
        "Skill",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select a skill from the list",
    )
    sector = SelectField(
        "Sector",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select a sector from the list",
    )
    borough = SelectField(
        "Borough",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select a borough from the list",
    )
    work_mode = SelectField(
        "Work mode",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select a work mode from the list",
    )
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def __init__(self, *args: Any, skills: Iterable[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ordered = sorted(skills, key=lambda skill: skill.label.lower())
        self.skill.choices = choices(
            [(skill.id, skill.label) for skill in ordered], blank="Any skill"
        )
        self.sector.choices = choices(reference.sectors().items(), blank="Any sector")
        self.borough.choices = choices(reference.boroughs().items(), blank="Any borough")
        self.work_mode.choices = choices(reference.WORK_MODE_LABELS.items(), blank="Any work mode")

    def chosen(self) -> dict[str, str]:
        """The filters that were set and are valid."""
        return {
            name: self[name].data
            for name in ("skill", "sector", "borough", "work_mode")
            if self[name].data and not self[name].errors
        }


def skills_form(
    groups: dict[str, list[Skill]], *, max_skills: int = students.MAX_SKILLS
) -> type[BaseForm]:
    """A form with one group of checkboxes per group of the taxonomy."""

    def validate(form: BaseForm, extra_validators: Any = None) -> bool:
        valid = BaseForm.validate(form, extra_validators)
        count = len(form.chosen())
        if not count or count > max_skills:
            # About the whole list, not one group: shown above the groups.
            form.choice_error = (
                "Select at least one skill" if not count else f"Select {max_skills} skills or fewer"
            )
            form.form_errors.append(form.choice_error)
            return False
        return valid

    def chosen(form: BaseForm) -> list[str]:
        return [skill for name in form.group_fields for skill in (form[name].data or [])]

    attributes: dict[str, Any] = {
        "group_fields": [],
        "choice_error": None,
        "group_labels": {},
        "validate": validate,
        "chosen": chosen,
        "submit": _submit("Continue"),
    }
    for number, (group, skills) in enumerate(groups.items(), start=1):
        name = f"group_{number}"
        attributes["group_fields"].append(name)
        attributes["group_labels"][name] = group
        attributes[name] = SelectMultipleField(
            group,
            widget=Checkboxes(),
            choices=choices((skill.id, skill.label) for skill in skills),
            invalid_choice_message="Select skills from the list",
        )
    return type("SkillsForm", (BaseForm,), attributes)


def skill_levels_form(skills: Sequence[Skill]) -> type[BaseForm]:
    """A form with one question per chosen skill: the level, in words, from 1 to 5."""
    levels = [
        (str(level), f"{level}: {name}") for level, (name, _) in reference.skill_levels().items()
    ]
    attributes: dict[str, Any] = {"level_fields": {}, "submit": _submit()}
    for skill in skills:
        name = f"level-{skill.id}"
        attributes["level_fields"][name] = skill
        attributes[name] = _radio(
            f"Your level in {skill.label}", levels, f"Select your level in {skill.label}"
        )
    return type("SkillLevelsForm", (BaseForm,), attributes)
