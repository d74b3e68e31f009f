"""The coordinator area: the programme at a glance."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from flask import current_app, render_template

from placement import charts
from placement.cache import BoundedCache
from placement.coordinator import bp
from placement.extensions import db
from placement.services import reports, snapshot

# At national size the dashboard's figures take seconds to gather; each process then gathers them
# at most once per window and shows them with their age. A programme-size cohort is always live.
LARGE_COHORT = 10_000
WINDOW_SECONDS = 120
_figures: BoundedCache[tuple[int, int], dict[str, Any]] = BoundedCache(2)


@bp.route("/")
def dashboard() -> str:
    if reports.cohort_size(db.session) < LARGE_COHORT:
        return render_template("coordinator/dashboard.html", **_dashboard_figures())
    window = int(time.time() // WINDOW_SECONDS)
    figures = _figures.get((id(current_app), window), _dashboard_figures)
    return render_template("coordinator/dashboard.html", **figures)


def _dashboard_figures() -> dict[str, Any]:
    config = current_app.config
    stages = reports.funnel(db.session)
    found_targets = reports.targets(db.session, config)
    return dict(
        gathered_at=datetime.now(UTC).strftime("%H:%M:%S UTC"),
        window_seconds=WINDOW_SECONDS,
        targets=found_targets,
        targets_chart=charts.bar_chart(
            "targets-chart",
            "Progress against the programme's targets",
            "; ".join(
                f"{t.label}: {t.achieved} of {t.target} ({t.share:.0%})" for t in found_targets
            ),
            [t.label for t in found_targets],
            [charts.Series("Share of target reached", [min(t.share, 1.0) for t in found_targets])],
            value_label="Share of the target reached",
            percent=True,
        ),
        shares=reports.shares(db.session, float(config["TARGET_WOMEN_SHARE"])),
        eligible_in_words=snapshot.ELIGIBLE_IN_WORDS,
        stages=stages,
        funnel_chart=charts.bar_chart(
            "funnel-chart",
            "Students at each stage",
            "; ".join(f"{stage.label}: {stage.count}" for stage in stages),
            [stage.label for stage in stages],
            [charts.Series("Students", [stage.count for stage in stages])],
            value_label="Students",
        ),
        dropouts=reports.dropouts(db.session),
        decline_reasons=reports.decline_reasons(db.session),
        rounds=reports.rounds(db.session),
        women_baseline=float(config["TARGET_WOMEN_SHARE"]),
    )
