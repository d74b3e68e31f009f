"""The coordinator area: the programme at a glance."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, render_template

from placement import charts
from placement.coordinator import bp
from placement.extensions import db
from placement.services import reports, snapshot

log = logging.getLogger(__name__)

# At national size the dashboard's figures take a second or more to gather. Each process keeps the
# last ones and shows them with their age; once they are WINDOW_SECONDS old the next view starts
# gathering them again in a background thread and still shows the last ones, so no view waits
# for them but the first in a process. A programme-size cohort is always live.
LARGE_COHORT = 10_000
WINDOW_SECONDS = 120
_latest: weakref.WeakKeyDictionary[Flask, tuple[float, dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)
_gathering: weakref.WeakSet[Flask] = weakref.WeakSet()
_lock = threading.Lock()


@bp.route("/")
def dashboard() -> str:
    if reports.cohort_size(db.session) < LARGE_COHORT:
        return render_template("coordinator/dashboard.html", **_dashboard_figures())
    return render_template("coordinator/dashboard.html", **_latest_figures())


def _latest_figures() -> dict[str, Any]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = _latest.get(app)
    if found is None:
        figures = _dashboard_figures()
        _latest[app] = (time.monotonic(), figures)
        return figures
    gathered, figures = found
    if time.monotonic() - gathered >= WINDOW_SECONDS:
        _gather_in_background(app)
    return figures


def _gather_in_background(app: Flask) -> None:
    with _lock:
        if app in _gathering:
            return
        _gathering.add(app)

    def gather() -> None:
        try:
            with app.app_context():
                _latest[app] = (time.monotonic(), _dashboard_figures())
        except Exception as error:  # the last figures stay; the next stale view tries again
            log.warning("dashboard figures not gathered: %s", type(error).__name__)
        finally:
            with _lock:
                _gathering.discard(app)

    threading.Thread(target=gather, name="dashboard-figures", daemon=True).start()


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
