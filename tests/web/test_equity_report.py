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
    "Fisher p-value",
    "Flag",
    "Mean score",
]
F5, W, NA = FEWER_THAN_5, WITHHELD, "not assessed"
HIDDEN = [W, NA, NA, NA, "Not assessed", W]  # rate, everyone else, ratio, p, flag, mean score


def _report(client, query: str = "", *, signed_in: bool = False) -> dict[str, list[list[str]]]:
    if not signed_in:
        coordinator = create_coordinator()
        sign_in(client, coordinator.email, PASSWORD)
    response = client.get("/coordinator/reports/equity" + query)
    assert response.status_code == 200
    return tables(text_of(response))


def test_the_programme_report_hides_every_group_with_fewer_than_5_placed_or_not_placed(client):
    """Women: 6 of 10 placed, so 4 not placed; men 8 of 10, 2 not placed: both rows hide their
    placed figures and are not assessed. Level 7: 5 of 5 placed, none not placed, so its people
    would give the 0 away, and Level 6's people would give Level 7's: all withheld. The one
    university holds everyone: 14 of 20, shown, as the totals show it anyway."""
    build_programme()
    found = _report(client)
    assert found["Placement rate by gender"] == [
        HEAD,
        ["Women", "10", W, *HIDDEN],
        ["Men", "10", W, *HIDDEN],
        ["All", "20", "14", "", "", "", "", "", ""],
    ]
    assert found["Placement rate by level of study"][1:3] == [
        ["Level 6", W, W, *HIDDEN],
        ["Level 7", W, W, *HIDDEN],
    ]
    assert found["Placement rate by university"][1] == [
        "University College London",
        "20",
        "14",
        "70%",
        NA,
        NA,
        NA,
        "Not assessed",
        "0.71",
    ]
    assert found["Placement rate by black, asian and minority ethnic"][1:] == [
        ["Black, Asian and minority ethnic", "12", W, *HIDDEN],
        ["White", W, W, *HIDDEN],
        ["Not known", W, W, *HIDDEN],
        ["All", "20", "14", "", "", "", "", "", ""],
    ]


def test_a_single_small_group_also_hides_the_next_smallest_so_it_cannot_be_subtracted(client):
    """Two disabled students (one placed) among twenty: their row is withheld, and so is the
    other row, since the total minus it would reveal them."""
    build_programme()
    rows = _report(client)["Placement rate by disability"][1:]
    assert rows == [
        ["Disabled", W, W, *HIDDEN],
        ["Not disabled", W, W, *HIDDEN],
        ["All", "20", "14", "", "", "", "", "", ""],
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
        ["University College London", "6", W, W, W, W],
    ]
    assert found["Why people were not placed, by disability"][1:] == [
        ["Disabled", W, W, W, W, W],
        ["Not disabled", W, W, W, W, W],
    ]


def test_a_rounds_report_counts_its_proposals_and_its_own_unmatched_reasons(client):
    """Round: women 7 of 10 proposed (3 not), men 8 of 9 (1 not): both hidden; the reasons of
    the four not proposed are all under 5."""
    programme = build_programme()
    found = _report(client, f"?round={programme.round.id}")
    assert found["Placement rate by gender"][1:] == [
        ["Women", "10", W, *HIDDEN],
        ["Men", "9", W, *HIDDEN],
        ["All", "19", "15", "", "", "", "", "", ""],
    ]
    assert found["Why people were not proposed, by gender"][1:] == [
        ["Women", W, W, W],
        ["Men", W, W, W],
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
            ["Women", W, W, *HIDDEN],
            ["Men", W, W, *HIDDEN],
            ["All", "6", F5, "", "", "", "", "", ""],
        ]


def test_a_cohort_of_eight_withholds_the_larger_group_beside_a_small_one(client):
    small_cohort(8, women=3, placed_women=1, placed_men=4)
    rows = _report(client)["Placement rate by gender"][1:]
    assert rows == [
        ["Women", W, W, *HIDDEN],
        ["Men", W, W, *HIDDEN],
        ["All", "8", "5", "", "", "", "", "", ""],
    ]


def test_the_dashboard_hides_shares_made_from_fewer_than_five_people(client):
    small_cohort(6, women=3, placed_women=1, placed_men=3)
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    found = tables(text_of(client.get("/coordinator/")))
    young_women = found["Shares of placed students and of the cohort"][1]
    assert young_women[1:4] == [W, W, W]
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
    ("women_placed", "rules"),
    [
        (16, ()),
        (14, ("four-fifths rule",)),
        (11, ("four-fifths rule", "Fisher's exact test")),
    ],
)
def test_a_flag_says_whether_the_four_fifths_rule_or_fishers_test_raised_it(women_placed, rules):
    """Men: 20 of 40 placed (50%). Women 16 of 40 is exactly 0.8 (p 0.25): no flag. 14 of 40 is
    0.7 but could well be chance (p 0.13). 11 of 40 is 0.55 with p 0.03: both rules."""
    report = equity_report(_population([("woman", 40, women_placed), ("man", 40, 20)]))
    women = report.breakdowns[0].rows[0]
    assert women.label == "Women"
    assert women.flag_rules == rules
    assert women.flagged is bool(rules)


@pytest.mark.parametrize(
    ("groups", "assessed"),
    [
        ([("woman", 9, 5), ("man", 20, 10)], False),  # under the minimum group size
        ([("woman", 20, 4), ("man", 20, 10)], False),  # fewer than 5 placed
        ([("woman", 20, 16), ("man", 20, 10)], False),  # fewer than 5 not placed
        ([("woman", 20, 10), ("man", 20, 18)], False),  # everyone else: 2 not placed
        ([("woman", 10, 5), ("man", 10, 5)], True),
    ],
)
def test_no_flag_ratio_or_rate_is_given_where_either_side_is_small(groups, assessed):
    row = equity_report(_population(groups)).breakdowns[0].rows[0]
    assert row.assessed is assessed
    assert isinstance(row.ratio, float) is assessed
    assert isinstance(row.rest_rate, float) is assessed
