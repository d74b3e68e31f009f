"""The equity report tallies people of the same kind together; the figures are those of counting
every person on their own."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from statistics import fmean

from placement.services import equity

ANSWERS = {
    "gender": [None, "woman", "man", "non-binary", "self-describe", "prefer-not-to-say"],
    "age_band": [None, "16-24", "25-29", "30+", "prefer-not-to-say"],
    "ethnicity": [None, "asian", "black", "mixed", "white", "other", "prefer-not-to-say"],
    "disability": [None, "yes", "no", "prefer-not-to-say"],
    "first_in_family": [None, "yes", "no"],
    "free_school_meals": [None, "yes", "no"],
}
REASONS = [equity.NOT_IN_A_ROUND, equity.PROPOSED_NOT_PLACED, "No role meets every rule"]


def _varied_population(seed: int, size: int) -> equity.Population:
    chooser = random.Random(seed)
    people = [
        equity.Person(
            number,
            rqf_level=chooser.choice([None, 6, 7]),
            university_id=chooser.choice([None, "ucl", "imperial"]),
            **{name: chooser.choice(values) for name, values in ANSWERS.items()},
        )
        for number in range(size)
    ]
    placed, reasons = {}, {}
    for person in people:
        if chooser.random() < 0.6:
            placed[person.student_id] = chooser.choice([None, 0.25, 0.5, 0.8125, 0.1])
        else:
            reasons[person.student_id] = chooser.choice(REASONS)
    return equity.Population(people, placed, reasons, "a varied cohort")


def _counted_person_by_person(population: equity.Population, dimension: equity.Dimension) -> dict:
    """Group -> (people, placed, reasons, known scores sorted), one person at a time."""
    people, placed = Counter(), Counter()
    reasons: dict[str, Counter] = defaultdict(Counter)
    scores: dict[str, list] = defaultdict(list)
    for person in population.people:
        group = dimension.group_of(person)
        people[group] += 1
        if person.student_id in population.placed_scores:
            placed[group] += 1
            if population.placed_scores[person.student_id] is not None:
                scores[group].append(population.placed_scores[person.student_id])
        if person.student_id in population.reasons:
            reasons[group][population.reasons[person.student_id]] += 1
    return {
        group: (people[group], placed[group], reasons[group], sorted(scores[group]))
        for group in people
    }


def test_groups_tallied_by_kind_count_what_counting_each_person_counts():
    population = _varied_population(seed=4, size=3000)
    assert len(population.kinds) < len(population.people)  # some people are of one kind
    checked = 0
    for dimension in equity.DIMENSIONS:
        expected = _counted_person_by_person(population, dimension)
        found = equity.groups_of(population, dimension)
        tallied = {
            group: (tally.people, tally.placed, tally.reasons, sorted(tally.scores))
            for group, tally in found.items()
        }
        assert tallied == expected, dimension.key
        rows = {row.label: row for row in equity.breakdown(population, dimension).rows}
        assert set(rows) == set(expected)
        for group, (people, placed, _, scores) in expected.items():
            if rows[group].placed != equity.WITHHELD:
                assert (rows[group].people, rows[group].placed) == (people, placed)
                assert rows[group].mean_score == (fmean(scores) if scores else None)
                checked += 1
    assert checked > 20
