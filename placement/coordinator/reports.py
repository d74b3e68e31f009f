"""Reports for coordinators: the equity report, skills demand and supply, and CSV exports.

Equality data appears here only as suppressed group figures, never at person level.
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from werkzeug.wrappers import Response

from placement import charts, reference
from placement.access import get_or_404
from placement.coordinator import bp
from placement.csvsafe import csv_response
from placement.extensions import db
from placement.forms import canonical_id
from placement.models import MatchingRound
from placement.services import equity, equity_cache, reports, skills_gap

SKILL_ROWS_SHOWN = 40
AUDIT_CSV = "/coordinator/audit.csv"


def load_round(round_id: int) -> MatchingRound:
    """A completed round (any coordinator may see any round); others are not found."""
    matching_round = get_or_404(MatchingRound, round_id)
    if matching_round.status != "completed" or matching_round.result is None:
        abort(404)
    return matching_round


@bp.route("/reports", endpoint="reports")
def reports_index() -> str:
    # The audit-log export belongs to the rounds area; link to it when it exists.
    audit_csv = next(
        (rule.endpoint for rule in current_app.url_map.iter_rules() if rule.rule == AUDIT_CSV),
        None,
    )
    return render_template(
        "coordinator/reports/index.html",
        rounds=equity.completed_rounds(db.session),
        audit_csv=audit_csv,
    )


def _round_from_query() -> MatchingRound | None:
    value = request.args.get("round", "")
    if not value:
        return None
    round_id = canonical_id(value)
    if round_id is None:
        abort(404)
    return load_round(round_id)


def _rate_chart(breakdown: equity.Breakdown) -> object | None:
    shown = [row for row in breakdown.rows if isinstance(row.rate, float)]
    if len(shown) < 2:
        return None
    return charts.bar_chart(
        f"chart-{breakdown.dimension.key}",
        f"Placement rate by {breakdown.dimension.label.lower()}",
        "; ".join(f"{row.label}: {row.rate:.0%}" for row in shown)
        + ". Groups whose figures are withheld are left out.",
        [row.label for row in shown],
        [charts.Series("Placement rate", [row.rate for row in shown])],
        value_label="Placement rate",
        percent=True,
    )


@bp.route("/reports/equity", endpoint="equity")
def equity_report() -> str:
    matching_round = _round_from_query()
    report = equity_cache.report(db.session, matching_round)
    return render_template(
        "coordinator/reports/equity.html",
        report=report,
        population=report.population,
        matching_round=matching_round,
        rounds=equity.completed_rounds(db.session),
        charts={b.dimension.key: _rate_chart(b) for b in report.breakdowns},
        four_fifths=equity.FOUR_FIFTHS,
        significance=equity.SIGNIFICANCE,
        min_group_size=equity.MIN_GROUP_SIZE,
    )


def _skill_filters() -> skills_gap.Filters:
    sector = request.args.get("sector") or None
    university = request.args.get("university") or None
    period = request.args.get("period") or None
    if sector and sector not in reference.sectors():
        sector = None
    if university and university not in reference.universities():
        university = None
    if period and len(period) > 10:
        period = None
    return skills_gap.Filters(sector=sector, period=period, university=university)


@bp.route("/reports/skills")
def skills() -> str:
    filters = _skill_filters()
    found = skills_gap.report(db.session, filters)
    top = [row for row in found.rows if row.gap > 0][:10]
    # The chart draws numbers: it leaves out a gap whose student count the table withholds.
    charted = [row for row in top if row.supply_shown == row.supply]
    chart = None
    if charted:
        chart = charts.bar_chart(
            "chart-skills",
            "The largest skills gaps",
            "; ".join(
                f"{row.skill} at level {row.level}: {row.demand} places, {row.supply} students"
                for row in charted
            ),
            [f"{row.skill} (level {row.level})" for row in charted],
            [
                charts.Series("Places asking", [row.demand for row in charted]),
                charts.Series("Students offering", [row.supply for row in charted]),
            ],
            value_label="Places or students",
        )
    return render_template(
        "coordinator/reports/skills.html",
        filters=filters,
        rows=found.rows[:SKILL_ROWS_SHOWN],
        row_count=len(found.rows),
        top=top,
        chart=chart,
        periods=found.periods,
        sectors=reference.sectors(),
        universities=reference.universities(),
        by_sector=found.by_sector,
        by_period=found.by_period,
    )


@bp.route("/reports/skills.csv")
def skills_csv() -> Response:
    rows = skills_gap.report(db.session, _skill_filters()).rows
    return csv_response(
        "skills-demand-and-supply.csv", skills_gap.CSV_HEADER, skills_gap.csv_rows(rows)
    )


@bp.route("/reports/rounds/<int:round_id>/proposals.csv")
def round_proposals_csv(round_id: int) -> Response:
    matching_round = load_round(round_id)
    return csv_response(
        f"round-{matching_round.id}-proposals.csv",
        reports.PROPOSAL_HEADER,
        reports.proposal_rows(db.session, matching_round),
    )


@bp.route("/reports/placements.csv")
def placements_csv() -> Response:
    return csv_response(
        "placements.csv", reports.PLACEMENT_HEADER, reports.placement_rows(db.session)
    )


@bp.route("/reports/programme.csv")
def programme_csv() -> Response:
    return csv_response(
        "programme-figures.csv",
        reports.PROGRAMME_HEADER,
        reports.programme_rows(db.session, current_app.config),
    )
