"""The coordinator area: the programme at a glance."""

from __future__ import annotations

from flask import current_app, render_template

from placement import charts
from placement.coordinator import bp
from placement.extensions import db
from placement.services import reports, snapshot


@bp.route("/")
def dashboard() -> str:
    config = current_app.config
    stages = reports.funnel(db.session)
    found_targets = reports.targets(db.session, config)
    return render_template(
        "coordinator/dashboard.html",
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
