"""The engine's reasons, which speak to the student, rewritten for a coordinator reading about one.

The engine writes "You did not rank this role", skill and sector ids and ISO dates; coordinator
pages show "The student did not rank this role", labels and dates in words.
"""

from __future__ import annotations

import re
from datetime import date

from placement import reference
from placement.services import snapshot

# Longest first, so that a phrase is never half-replaced by a shorter one.
THIRD_PERSON = (
    ("The organisation did not list you", "The organisation did not list the student"),
    ("The organisation listed you", "The organisation listed the student"),
    ("You did not rank this role", "The student did not rank this role"),
    ("You ranked this role", "The student ranked this role"),
    ("You listed no sectors", "The student listed no sectors"),
    ("not one of your sectors", "not one of the student's sectors"),
    ("one of your sectors", "one of the student's sectors"),
    ("Your borough is not recorded", "The student's borough is not recorded"),
    ("a level above your Level", "a level above the student's Level"),
    ("outside your availability", "outside the student's availability"),
    ("more than your", "more than the student's"),
    (
        "a work mode you did not choose (you chose",
        "a work mode the student did not choose (they chose",
    ),
    ("a required skill you do not have", "a required skill the student does not have"),
    ("excluded for you by the coordinator", "excluded for this student by a coordinator"),
    ("had no place left for you", "had no place left for the student"),
    ("(you have ", "(the student has "),
    ("(you are Level", "(the student is Level"),
)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
SECTOR = re.compile(r"The role is in ([a-z0-9-]+)")


def _in_words(found: re.Match[str]) -> str:
    try:
        day = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return found[0]
    return f"{day.day} {day:%B %Y}"


def for_coordinator(reason: str, labels: dict[str, str]) -> str:
    """One engine reason, in the third person, with labels and dates in words."""
    text = snapshot.label_skills(reason, labels)
    for said, meant in THIRD_PERSON:
        text = text.replace(said, meant)
    sectors = reference.sectors()
    text = SECTOR.sub(lambda found: f"The role is in {sectors.get(found[1], found[1])}", text)
    text = ISO_DATE.sub(_in_words, text)
    return text[:1].upper() + text[1:]
