"""The equity report: rates by group, the four-fifths flag and small-number suppression."""

from __future__ import annotations

import pytest
from support.factories import PASSWORD, create_coordinator
from support.http import sign_in, text_of
from support.reports import build_programme, small_cohort, tables

from placement.services.equity import (
    FEWER_THAN_5,
    WITHHELD,
    Person,
    Population,
    equity_report,
    suppress,
)

HEAD = [
    "Group",
    "People",
    "Placed",
    "Placement rate",
    "Everyone else",
    "Ratio",
    "Four-fifths check",
    "Mean score",
]
F5, W = FEWER_THAN_5, WITHHELD


def _report(client, query: str = "", *, signed_in: bool = False) -> dict[str, list[list[str]]]:
    if not signed_in:
        coordinator = create_coordinator()
        sign_in(client, coordinator.email, PASSWORD)
    response = client.get("/coordinator/reports/equity" + query)
    assert response.status_code == 200
    return tables(text_of(response))


def test_the_programme_report_counts_placements_by_group_against_everyone_else(client):
    """Women 6 of 10 placed (60%) against men 8 of 10 (80%): ratio 0.75, under four-fifths.
    Level 6: 9 of 15 against Level 7: 5 of 5; mean scores 0.6 for women, 0.8 for men."""
    build_programme()
    found = _report(client)
    assert found["Placement rate by gender"] == [
        HEAD,
        ["Women", "10", "6", "60%", "80%", "0.75", "Under 0.8", "0.60"],
        ["Men", "10", "8", "80%", "60%", "1.33", "0.8 or over", "0.80"],
        ["All", "20", "14", "", "", "", "", ""],
    ]
    assert found["Placement rate by level of study"][1:3] == [
        ["Level 6", "15", "9", "60%", "100%", "0.60", "Under 0.8", "0.67"],
        ["Level 7", "5", "5", "100%", "60%", "1.67", "0.8 or over", "0.80"],
    ]
    assert found["Placement rate by black, asian and minority ethnic"][1:] == [
        [
            "Black, Asian and minority ethnic",
            "12",
            "8",
            "67%",
            "75%",
            "0.89",
            "0.8 or over",
            "0.70",
        ],
        ["White", W, W, W, W, W, "0.8 or over", W],
        ["Not known", F5, F5, F5, F5, F5, "Not assessed", F5],
        ["All", "20", "14", "", "", "", "", ""],
    ]


def test_a_single_small_group_also_hides_the_next_smallest_so_it_cannot_be_subtracted(client):
    """Two disabled students (one placed) among twenty: their row says "fewer than 5", and the
    other row is withheld, since the total minus it would reveal them."""
    build_programme()
    rows = _report(client)["Placement rate by disability"][1:]
    assert rows == [
        ["Disabled", F5, F5, F5, F5, F5, "Not assessed", F5],
        ["Not disabled", W, W, W, W, W, "Not assessed", W],
        ["All", "20", "14", "", "", "", "", ""],
    ]


def test_unmatched_reasons_are_grouped_by_their_leading_phrase(client):
    build_programme()
    found = _report(client)
    assert found["Why people were not placed, by university"] == [
        [
            "Group",
            "Not placed",
            "No role meets every rule",
            "Not yet in a matching round",
            "Proposed, not placed",
            "Suitable roles were taken",
        ],
        ["University College London", "6", F5, F5, F5, F5],
    ]


def test_a_rounds_report_counts_its_proposals_and_its_own_unmatched_reasons(client):
    """Round: women 7 of 10 proposed, men 8 of 9: 0.70 / 0.89 = 0.79, flagged."""
    programme = build_programme()
    found = _report(client, f"?round={programme.round.id}")
    assert found["Placement rate by gender"][1:3] == [
        ["Women", "10", "7", "70%", "89%", "0.79", "Under 0.8", "0.59"],
        ["Men", "9", "8", "89%", "70%", "1.27", "0.8 or over", "0.80"],
    ]
    assert found["Why people were not proposed, by gender"][1:] == [
        ["Women", F5, F5, "0"],
        ["Men", F5, "0", F5],
    ]


@pytest.mark.parametrize("query", ["?round=999", "?round=abc", "?round=-1"])
def test_an_unknown_round_is_not_found(client, query):
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    assert client.get("/coordinator/reports/equity" + query).status_code == 404


def test_a_cohort_of_six_shows_no_count_under_five(client):
    """Three women and three men, four placed: every group and the placed total are hidden."""
    matching_round = small_cohort(6, women=3, placed_women=1, placed_men=3)
    for query in ("", f"?round={matching_round.id}"):
        rows = _report(client, query, signed_in=bool(query))["Placement rate by gender"][1:]
        assert rows == [
            ["Women", F5, F5, F5, F5, F5, "Not assessed", F5],
            ["Men", F5, F5, F5, F5, F5, "Not assessed", F5],
            ["All", "6", F5, "", "", "", "", ""],
        ]


def test_a_cohort_of_eight_withholds_the_larger_group_beside_a_small_one(client):
    small_cohort(8, women=3, placed_women=1, placed_men=4)
    rows = _report(client)["Placement rate by gender"][1:]
    assert rows == [
        ["Women", F5, F5, F5, F5, F5, "Not assessed", F5],
        ["Men", W, F5, F5, F5, F5, "Not assessed", F5],
        ["All", "8", "5", "", "", "", "", ""],
    ]


def test_the_dashboard_hides_shares_made_from_fewer_than_five_people(client):
    small_cohort(6, women=3, placed_women=1, placed_men=3)
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    found = tables(text_of(client.get("/coordinator/")))
    young_women = found["Shares of placed students and of the cohort"][1]
    assert young_women[1:4] == [F5, F5, F5]
    assert young_women[5] == "Not enough data"


@pytest.mark.parametrize(
    ("counts", "total", "expected", "expected_total"),
    [
        ({"a": 3, "b": 10, "c": 7}, 20, {"a": F5, "b": 10, "c": W}, 20),
        ({"a": 3, "b": 2, "c": 9}, 14, {"a": F5, "b": F5, "c": 9}, 14),
        ({"a": 7, "b": 5}, 12, {"a": 7, "b": 5}, 12),
        ({"a": 3}, 3, {"a": F5}, F5),
        ({"a": 3}, 10, {"a": F5}, W),
        ({"a": 4, "b": 6, "c": 6}, 16, {"a": F5, "b": W, "c": 6}, 16),
    ],
)
def test_suppression_hides_small_cells_and_whatever_would_reveal_them(
    counts, total, expected, expected_total
):
    assert suppress(counts, total) == (expected, expected_total)


def _population(groups: list[tuple[str, int, int]]) -> Population:
    people, placed = [], {}
    number = 0
    for gender, size, placed_count in groups:
        for index in range(size):
            number += 1
            people.append(Person(number, gender=gender))
            if index < placed_count:
                placed[number] = 0.5
    return Population(people, placed, {}, "test")


@pytest.mark.parametrize(
    ("women_placed", "flagged"),
    [(4, False), (3, True), (5, False)],
)
def test_the_four_fifths_flag_is_raised_only_under_a_ratio_of_0_8(women_placed, flagged):
    """Men: 5 of 10 placed (50%). Women 4 of 10 is exactly 0.8: not flagged; 3 of 10 is 0.6."""
    report = equity_report(_population([("woman", 10, women_placed), ("man", 10, 5)]))
    women = report.breakdowns[0].rows[0]
    assert women.label == "Women"
    assert women.flagged is flagged
