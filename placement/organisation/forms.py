"""Forms of the organisation area: inviting a colleague, a role with its skills, candidate marks."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from placement import reference
from placement.auth.forms import address_field, contact_name_field, email_field, phone_field
from placement.errors import ValidationFailed
from placement.forms import BaseForm, choices, is_whole_number
from placement.services.roles import MAX_HOURS, MAX_PLACES, RoleDetails, SkillAsk, pay_hint

SKILL_ROWS = 10
DATE_PARTS = ("day", "month", "year")
IMPORTANCE = {3: "Essential", 2: "Important", 1: "Useful"}
PAY = re.compile(r"^£?\s*(\d{1,4}(\.\d{1,2})?)$")


class InviteForm(BaseForm):
    email = email_field("Your colleague's work email address")
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ContactForm(BaseForm):
    """The details members keep up to date themselves; the rest were verified by a coordinator."""

    contact_name = contact_name_field("Contact's full name", "Enter the contact's full name")
    contact_email = email_field("Contact's email address")
    contact_phone = phone_field()
    address = address_field()
    submit = SubmitField("Save details", widget=GovSubmitInput())


class ActionForm(BaseForm):
    """A form with only a button, for POST actions (publish, close, copy, mark)."""


class DatePartsField(Field):
    """A GOV.UK date input: three boxes named <name>-day, -month and -year, checked here."""

    def __init__(self, label: str, *, what: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.what = what
        self.parts = dict.fromkeys(DATE_PARTS, "")
        self.problem_parts: tuple[str, ...] = ()

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.object_data = None if data is unset_value else data
        self.data = self.object_data if isinstance(self.object_data, date) else None
        if self.data is not None:
            self.parts = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        if formdata is not None:
            self.parts = {
                part: str(formdata.get(f"{self.name}-{part}", "")).strip()[:10]
                for part in DATE_PARTS
            }
            self.data = None
            self._parse()

    def _parse(self) -> None:
        missing = tuple(part for part in DATE_PARTS if not self.parts[part])
        if len(missing) == len(DATE_PARTS):
            self._problem(f"Enter the {self.what}", DATE_PARTS)
        elif missing:
            self._problem(
                f"{self.what.capitalize()} must include a {' and a '.join(missing)}", missing
            )
        elif not all(is_whole_number(self.parts[part]) for part in DATE_PARTS):
            self._problem(f"{self.what.capitalize()} must be a real date", DATE_PARTS)
        elif len(self.parts["year"]) != 4:
            self._problem(f"Year must include 4 numbers, like {date.today().year + 1}", ("year",))
        else:
            try:
                self.data = date(*(int(self.parts[part]) for part in reversed(DATE_PARTS)))
            except ValueError:
                self._problem(f"{self.what.capitalize()} must be a real date", DATE_PARTS)

    def _problem(self, message: str, parts: tuple[str, ...]) -> None:
        self.process_errors.append(message)
        self.problem_parts = parts

    @property
    def error_anchor(self) -> str:
        return f"{self.id}-{(self.problem_parts or DATE_PARTS)[0]}"

    def items(self) -> list[dict[str, Any]]:
        """The three boxes for govukDateInput."""
        widths = {"day": 2, "month": 2, "year": 4}
        return [
            {
                "name": part,
                "label": part.capitalize(),
                "value": self.parts[part],
                "classes": f"govuk-input--width-{widths[part]}"
                + (" govuk-input--error" if self.errors and part in self.problem_parts else ""),
            }
            for part in DATE_PARTS
        ]


class SkillRowForm(Form):
    """What the role asks of one chosen skill; a row without a skill is ignored."""

    skill = HiddenField("Skill")
    level = SelectField("Level needed", widget=GovSelect(), validate_choice=False)
    weight = SelectField("Importance", widget=GovSelect(), validate_choice=False, default="2")
    required = SelectField(
        "Required or desired",
        widget=GovSelect(),
        validate_choice=False,
        default="required",
        choices=choices([("required", "Required"), ("desired", "Desired")]),
    )


def _pay(form: BaseForm, field: StringField) -> None:
    match = PAY.match((field.data or "").replace(",", "").strip())
    if not match:
        raise ValidationError("Enter pay per hour in pounds and pence, like 14.80")


class RoleForm(BaseForm):
    title = StringField(
        "Job title",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a job title"),
            Length(max=160, message="Job title must be 160 characters or fewer"),
        ],
    )
    description = StringField(
        "What the student will do",
        widget=GovCharacterCount(),
        description="The work, the team, what they will learn and any equipment provided.",
        validators=[
            InputRequired(message="Enter what the student will do"),
            Length(max=4000, message="Description must be 4000 characters or fewer"),
        ],
    )
    places = IntegerField(
        "Number of places",
        widget=GovTextInput(),
        description=f"From 1 to {MAX_PLACES}: how many students you could take on this role.",
        validators=[
            InputRequired(message="Enter the number of places, as a number"),
            NumberRange(
                1, MAX_PLACES, message=f"Number of places must be between 1 and {MAX_PLACES}"
            ),
        ],
    )
    start_date = DatePartsField("Start date", what="start date")
    end_date = DatePartsField("End date", what="end date")
    hours_per_week = IntegerField(
        "Hours per week",
        widget=GovTextInput(),
        description=f"From 1 to {MAX_HOURS}.",
        validators=[
            InputRequired(message="Enter the hours per week, as a number"),
            NumberRange(1, MAX_HOURS, message=f"Hours per week must be between 1 and {MAX_HOURS}"),
        ],
    )
    pay = StringField(
        "Pay per hour, in pounds",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter pay per hour, like 14.80"), _pay],
    )
    borough = SelectField(
        "Borough where the placement is based",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the borough where the placement is based")],
    )
    work_mode = RadioField(
        "How will the student work?",
        widget=GovRadioInput(),
        choices=choices(reference.WORK_MODE_LABELS.items()),
        validators=[InputRequired(message="Select how the student will work")],
    )
    sector = SelectField(
        "Sector",
        widget=GovSelect(),
        description="Your organisation's sector unless this role belongs to another.",
        validators=[InputRequired(message="Select the sector")],
    )
    min_rqf_level = RadioField(
        "Lowest level of study students need",
        widget=GovRadioInput(),
        choices=choices((str(level), reference.RQF_LEVELS[level]) for level in (6, 7, 8)),
        validators=[InputRequired(message="Select the lowest level of study students need")],
    )
    # The skills chosen with the searchable checkboxes; each then gets a row saying what it needs.
    skill_choice = SelectMultipleField("Skills the role needs", validate_choice=False)
    skills = FieldList(FormField(SkillRowForm), min_entries=0, max_entries=SKILL_ROWS)

    def __init__(self, *args: Any, skill_options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pay.description = pay_hint()
        self.borough.choices = choices(reference.boroughs().items(), blank="Select a borough")
        self.sector.choices = choices(reference.sectors().items(), blank="Select a sector")
        self.skill_choice.choices = choices(skill_options)
        self.skill_labels = dict(skill_options)
        self._row_choices()

    def _row_choices(self) -> None:
        levels = [
            (str(level), f"{level}: {name}")
            for level, (name, _) in reference.skill_levels().items()
        ]
        importance = [(str(weight), label) for weight, label in IMPORTANCE.items()]
        for row in self.skills:
            row.form.level.choices = choices(levels, blank="Select a level")
            row.form.weight.choices = choices(importance)

    def sync_rows(self) -> None:
        """One row per chosen skill, in the order chosen, keeping what was typed in its row.

        A skill just ticked gets an empty row to fill in; a row whose skill was unticked goes.
        """
        typed: dict[str, dict[str, Any]] = {}
        for entry in self.skills:
            if entry.form.skill.data:
                typed.setdefault(entry.form.skill.data, entry.form.data)
        chosen = list(dict.fromkeys(str(value) for value in self.skill_choice.data or []))
        order = [skill for skill in typed if skill in chosen]
        order += [skill for skill in chosen if skill not in typed]
        if len(order) > SKILL_ROWS:
            self.skill_choice.errors = [f"Select {SKILL_ROWS} skills or fewer"]
            order = order[:SKILL_ROWS]
        self.skills.entries = []
        self.skills.last_index = -1
        for skill_id in order:
            blank = {"skill": skill_id, "level": "", "weight": "2", "required": "required"}
            self.skills.append_entry(typed.get(skill_id, blank))
        self._row_choices()

    def validate(self, extra_validators: Any = None) -> bool:
        chooser_errors = list(self.skill_choice.errors)
        valid = super().validate(extra_validators)
        self.skill_choice.errors = [*self.skill_choice.errors, *chooser_errors]
        return valid and not chooser_errors

    @classmethod
    def initial(cls, details: RoleDetails) -> dict[str, Any]:
        """Form data for an existing role."""
        return {
            "title": details.title,
            "description": details.description,
            "places": details.places,
            "start_date": details.start_date,
            "end_date": details.end_date,
            "hours_per_week": details.hours_per_week,
            "pay": f"{details.pay_pence_per_hour / 100:.2f}",
            "borough": details.borough,
            "work_mode": details.work_mode,
            "sector": details.sector,
            "min_rqf_level": str(details.min_rqf_level),
            "skill_choice": [ask.skill_id for ask in details.skills],
            "skills": [
                {
                    "skill": ask.skill_id,
                    "level": str(ask.level),
                    "weight": str(ask.weight),
                    "required": "required" if ask.required else "desired",
                }
                for ask in details.skills
            ],
        }

    def skill_asks(self) -> list[SkillAsk]:
        asks = []
        for row, entry in enumerate(self.skills):
            values = entry.form
            if not values.skill.data:
                continue
            asks.append(
                SkillAsk(
                    skill_id=str(values.skill.data),
                    level=_whole(values.level.data),
                    weight=_whole(values.weight.data),
                    required=values.required.data != "desired",
                    row=row,
                )
            )
        return asks

    def details(self) -> RoleDetails:
        """What was typed, once the form has validated."""
        pounds = PAY.match(self.pay.data.replace(",", "").strip()).group(1)  # type: ignore[union-attr]
        try:
            pence = int(Decimal(pounds) * 100)
        except InvalidOperation:  # the pattern already refuses anything else
            pence = 0
        return RoleDetails(
            title=self.title.data.strip(),
            description=self.description.data.strip(),
            places=self.places.data,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            hours_per_week=self.hours_per_week.data,
            borough=self.borough.data,
            work_mode=self.work_mode.data,
            sector=self.sector.data,
            pay_pence_per_hour=pence,
            min_rqf_level=int(self.min_rqf_level.data),
            skills=self.skill_asks(),
        )

    def pool_details(self, organisation: Any) -> RoleDetails | None:
        """The role as typed so far, for counting its pool; None while what matching reads
        (dates, hours, work mode, level of study, skills) has a problem.

        Call after validate(). Fields matching does not read get stand-ins when not typed yet.
        """
        needed = ("start_date", "end_date", "hours_per_week", "work_mode", "min_rqf_level")
        if any(self[name].errors for name in needed) or any(e.errors for e in self.skills):
            return None
        return RoleDetails(
            title=(self.title.data or "").strip(),
            description=(self.description.data or "").strip(),
            places=self.places.data if not self.places.errors and self.places.data else 1,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            hours_per_week=self.hours_per_week.data,
            borough=self.borough.data if not self.borough.errors else organisation.borough,
            work_mode=self.work_mode.data,
            sector=self.sector.data if not self.sector.errors else organisation.sector,
            pay_pence_per_hour=0,
            min_rqf_level=int(self.min_rqf_level.data),
            skills=self.skill_asks(),
        )

    def add_problems(self, failure: ValidationFailed) -> None:
        """Service problems on their fields, including one field of one skill row."""
        rows = {
            sub.name: sub for entry in self.skills for sub in entry.form if hasattr(sub, "errors")
        }
        for name, message in failure.problems:
            if (name or "").endswith("-skill"):
                # A row's skill is a ticked box: its problem belongs to the chooser.
                name = "skill_choice"
            target = rows.get(name or "") or self._fields.get(name or "")
            if target is None:
                self.form_errors.append(message)
            else:
                target.errors = [*target.errors, message]
        row_errors = [entry.errors for entry in self.skills]
        self.skills.errors = row_errors if any(row_errors) else []

    def summary(self) -> list[dict[str, str]]:
        """Error summary items, each linking to the box it is about."""
        items = [{"text": message, "href": "#main-form"} for message in self.form_errors]
        for field in self:
            if field.name == "skills":
                for entry in field:
                    items += [
                        {"text": sub.errors[0], "href": f"#{sub.id}"}
                        for sub in entry.form
                        if sub.errors
                    ]
            elif field.name == "skill_choice":
                items += [{"text": message, "href": "#skill-chooser"} for message in field.errors]
            elif field.errors:
                anchor = getattr(field, "error_anchor", field.id)
                items.append({"text": field.errors[0], "href": f"#{anchor}"})
        return items


def _whole(value: object) -> int:
    text = str(value or "")
    return int(text) if is_whole_number(text) and len(text) < 3 else 0
