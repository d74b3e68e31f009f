"""No count under 5 can be read, subtracted or excluded out of the report pages and CSVs.

Thirty students in varied groups go through a round that places 0, 1, 2, 4 or 5 of them. A
reader then takes every figure the equity report (programme and round), the dashboard and the
programme CSV show, assumes the strongest position (each group's and each reason's true total
known), and narrows every hidden count as far as the shown figures and those totals allow. No
count under 5 may come out exact, unless the published total itself is 0 (nobody placed means
nobody in any group was). No flag, rate or ratio may stand beside a hidden count.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from support.factories import PASSWORD, create_coordinator, create_organisation, create_role
from support.http import sign_in, text_of
from support.reports import TAKEN, completed_round, equality_student, offer_and_place, tables

from placement.extensions import db
from placement.services import equity

SIZE = 30
GENDERS = ["woman"] * 13 + ["man"] * 11 + ["non-binary"] * 4 + ["self-describe"] * 2
ETHNICITIES = ["white", "black", "asian", "white", "mixed", "white", "other", "prefer-not-to-say"]
UNIVERSITIES = ["ucl", "kcl", "ucl", "imperial", "ucl"]
PLACED_FIRST = [0, 13, 24, 28, 5]  # a woman, a man, a non-binary student, another, a woman
NOT_ASSESSED = ("withheld", "not assessed", "Not assessed")


def _cohort():
    people = []
    for index in range(SIZE):
        people.append(
            equality_student(
                GENDERS[index],
                "16-24" if index % 3 else "25-29",
                ETHNICITIES[index % len(ETHNICITIES)],
                "yes" if index % 4 == 0 else "no",
                "yes" if index % 5 == 0 else "no",
                "yes" if index % 7 == 0 else "no",
                rqf_level=7 if index % 6 == 0 else 6,
                university_id=UNIVERSITIES[index % len(UNIVERSITIES)],
            )
        )
    return people


def _truth(people, placed_ids, reasons):
    """Per dimension label: {group: {"people", "placed", "not placed", reason...}} as counted."""
    population = equity.Population(
        equity.people(db.session, [p.id for p in people]), {}, reasons, "test"
    )
    found = {}
    for dimension in equity.DIMENSIONS:
        groups: dict[str, dict[str, int]] = {}
        for person in population.people:
            counts = groups.setdefault(dimension.group_of(person), {"people": 0, "placed": 0})
            counts["people"] += 1
            if person.student_id in placed_ids:
                counts["placed"] += 1
            else:
                counts["not placed"] = counts.get("not placed", 0) + 1
                reason = reasons[person.student_id]
                counts[reason] = counts.get(reason, 0) + 1
        found[dimension.label] = groups
    return found


def _interval(cell: str, ceiling: int) -> tuple[int, int]:
    if cell == equity.FEWER_THAN_5:
        return 0, 4
    if cell == equity.WITHHELD:  # a count under 5, or one that would reveal one
        return 0, ceiling
    return int(cell.replace(",", "")), int(cell.replace(",", ""))


def _narrow(bounds: dict[tuple[str, str], list[int]], lines) -> None:
    """Tighten every interval from every known sum until nothing changes."""
    changed = True
    while changed:
        changed = False
        for keys, total in lines:
            low_sum = sum(bounds[key][0] for key in keys)
            high_sum = sum(bounds[key][1] for key in keys)
            for key in keys:
                low, high = bounds[key]
                new_low = max(low, total - (high_sum - high))
                new_high = min(high, total - (low_sum - low))
                if (new_low, new_high) != (low, high):
                    bounds[key] = [new_low, new_high]
                    changed = True


def _check_dimension(label: str, found: dict, truth: dict, where: str) -> None:
    main = found[f"Placement rate by {label.lower()}"]
    head, rows = main[0], [row for row in main[1:] if row[0] != "All"]
    assert {row[0] for row in rows} == set(truth), where
    reasons_table = next(
        (rows for caption, rows in found.items() if caption.endswith(f", by {label.lower()}")),
        None,
    )
    reason_names = reasons_table[0][2:] if reasons_table else []
    bounds: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        group = row[0]
        bounds[(group, "people")] = list(_interval(row[1], SIZE))
        bounds[(group, "placed")] = list(_interval(row[2], SIZE))
        if row[2] in (equity.FEWER_THAN_5, equity.WITHHELD) or row[1] in (
            equity.FEWER_THAN_5,
            equity.WITHHELD,
        ):
            assert tuple(row[3:8]) == (
                "withheld",
                "not assessed",
                "not assessed",
                "not assessed",
                "Not assessed",
            ), f"{where}: {group} has a rate, ratio or flag beside a hidden count: {row}"
        assert dict(zip(head, row, strict=True))["Flag"].startswith(("Not", "Flagged")), row
    for row in reasons_table[1:] if reasons_table else []:
        group = row[0]
        bounds[(group, "not placed")] = list(_interval(row[1], SIZE))
        for name, cell in zip(reason_names, row[2:], strict=True):
            bounds[(group, name)] = list(_interval(cell, SIZE))
    for group in truth:
        bounds.setdefault((group, "not placed"), [0, SIZE])
        for name in reason_names:
            bounds.setdefault((group, name), [0, SIZE])
    columns = ["people", "placed", "not placed", *reason_names]
    column_totals = {c: sum(truth[g].get(c, 0) for g in truth) for c in columns}
    lines = [([(g, c) for g in truth], column_totals[c]) for c in columns]
    # A row's people is the sum of placed and not placed; not placed is the sum of its reasons.
    for _ in range(4):
        _narrow(bounds, lines)
        for group in truth:
            people = bounds[(group, "people")]
            placed, not_placed = bounds[(group, "placed")], bounds[(group, "not placed")]
            if people[0] == people[1]:
                _narrow(bounds, [([(group, "placed"), (group, "not placed")], people[0])])
            not_placed[0] = max(not_placed[0], people[0] - placed[1])
            not_placed[1] = min(not_placed[1], people[1] - placed[0])
            if not_placed[0] == not_placed[1] and reason_names:
                _narrow(bounds, [([(group, name) for name in reason_names], not_placed[0])])
    for (group, column), (low, high) in bounds.items():
        value = truth[group].get(column, 0)
        assert low <= value <= high, f"{where}: the reader's bounds exclude the truth"
        if value < equity.THRESHOLD and low == high and column_totals[column] > 0:
            pytest.fail(f"{where}: {label} / {group} / {column} = {value} can be worked out")


def _signed_in_coordinator(client):
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)


@pytest.mark.parametrize("placed_count", [0, 1, 2, 4, 5])
def test_no_count_under_5_can_be_recovered_from_any_report_page_or_csv(client, placed_count):
    people = _cohort()
    organisation, _ = create_organisation()
    role = create_role(organisation, places=10)
    chosen = [people[index] for index in PLACED_FIRST[:placed_count]]
    unmatched = [person for person in people if person not in chosen]
    matching_round = completed_round(
        "Round",
        assignments=[(student, role, 0.7) for student in chosen],
        unmatched=[(student, TAKEN) for student in unmatched],
    )
    for student in chosen:
        offer_and_place(matching_round, student)
    placed_ids = {student.id for student in chosen}
    taken = equity.reason_category(TAKEN)
    truth = _truth(people, placed_ids, {p.id: taken for p in unmatched})
    _signed_in_coordinator(client)

    pages = {}
    for query in ("", f"?round={matching_round.id}"):
        page = text_of(client.get("/coordinator/reports/equity" + query))
        pages[query or "programme"] = page
        found = tables(page)
        for label, groups in truth.items():
            _check_dimension(label, found, groups, f"equity{query} with {placed_count} placed")
        _check_flag_list_and_charts(page, found)

    _check_dashboard_and_csv(client, pages["programme"])


def _check_flag_list_and_charts(page: str, found: dict) -> None:
    hidden_groups = set()
    for caption, rows in found.items():
        if caption.startswith("Placement rate by"):
            hidden_groups |= {row[0] for row in rows[1:] if row[3] in NOT_ASSESSED}
    warning = re.search(r"Flagged among the groups that could be assessed: ([^<]*)", page)
    for group in hidden_groups:
        if warning:
            assert f": {group} (" not in warning[1], f"{group} is flagged though hidden"
        assert not re.search(rf"(?<![\w ]){re.escape(group)}: \d+%", page), (
            f"a chart gives the rate of {group}, whose figures are hidden"
        )


def _check_dashboard_and_csv(client, equity_page: str) -> None:
    """The dashboard and the CSV show a group's figures only as the equity report shows them."""
    report = tables(equity_page)
    by_label = {}
    for caption, rows in report.items():
        if caption.startswith("Placement rate by"):
            for row in rows[1:]:
                by_label[(caption, row[0])] = row
    dashboard = tables(text_of(client.get("/coordinator/")))
    shares = dashboard["Shares of placed students and of the cohort"][1:]
    pairs = {
        "Young women (aged 16 to 24)": ("young women (aged 16 to 24)", "Young women"),
        "Black, Asian and minority ethnic": (
            "black, asian and minority ethnic",
            "Black, Asian and minority ethnic",
        ),
        "From a disadvantaged background": ("disadvantaged background", "Disadvantaged"),
    }
    csv_rows = list(
        csv.reader(io.StringIO(text_of(client.get("/coordinator/reports/programme.csv"))))
    )
    for share in shares:
        caption, group = pairs[share[0]]
        row = by_label.get((f"Placement rate by {caption}", group))
        expected_placed = row[2] if row else "0"
        assert share[1] == expected_placed, (share, row)
        if share[2].endswith("%"):
            assert row and row[2].isdigit(), f"{share[0]}: a share made from a hidden count"
        placed_share = next(r for r in csv_rows if r[:2] == ["Shares of placed students", share[0]])
        assert placed_share[2] == share[2]
