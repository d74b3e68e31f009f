"""The one base form, the choice helper, and how service errors reach form fields."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from placement.errors import ValidationFailed


class BaseForm(FlaskForm):
    """Every form: CSRF from Flask-WTF, GOV.UK widgets chosen per field."""

    def add_problems(self, failure: ValidationFailed) -> None:
        """Put a service's (field, message) pairs on the fields they name."""
        for field_name, message in failure.problems:
            field = self._fields.get(field_name or "")
            if field is None:
                self.form_errors.append(message)
            else:
                field.errors = [*field.errors, message]


def choices(pairs: Iterable[tuple[str, str]], *, blank: str | None = None) -> list[SelectChoice]:
    """WTForms 3.3 choices from (value, label) pairs, optionally led by an empty option."""
    options = [SelectChoice(value, label) for value, label in pairs]
    if blank is not None:
        options.insert(0, SelectChoice("", blank))
    return options


LARGEST_ID = 2**31 - 1  # the largest value of an integer column on PostgreSQL
CANONICAL_ID = re.compile(r"[1-9][0-9]{0,9}")


def is_whole_number(text: str) -> bool:
    """Only the digits 0-9: str.isdigit() also accepts characters such as '¹' that int() refuses."""
    return text.isascii() and text.isdigit()


def canonical_id(text: str | None) -> int | None:
    """The id as a link writes it (1; never 01, +1, " 1" or an Arabic-Indic one), else None."""
    if text is None or not CANONICAL_ID.fullmatch(text):
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None
