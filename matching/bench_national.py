"""National benchmark: ``python -m matching bench --national [--sizes 20000,50000]``.

For each size: the whole ``python -m matching solve`` in a child process (wall time and peak
resident memory, process start and JSON included), then the stages in this process with each
stage's own peak memory, the candidate graph, the certificate, the gap to the full optimum, and
the solve against OR-Tools' min-cost flow on the same candidate graph when ``ortools`` is
installed (the ``bench`` extra; never needed at run time).
"""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from .blocks import block_units, blocks, build_scorer
from .national import Stages, _lp_sets, build_national_problem, national_optimum, solve_graph
from .national_explain import _objective
from .rounds import solve_round
from .snapshot import validate_snapshot
from .synthetic import synthetic_round

ROLES_PER_STUDENT = 0.43  # about one place per student, as the programme benchmark
GAP_LIMIT = 20_000  # the gap to the full (certified) optimum is measured up to this size


def _peak_mib() -> float:
    """This process's resident high-water mark since the last reset, in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


class StagePeaks:
    """A :class:`matching.national.Stages` hook: peak memory of each stage on its own."""

    def __init__(self) -> None:
        self.peaks: dict[str, float] = {}
        _reset_peak()

    def __call__(self, name: str) -> None:
        self.peaks[name] = max(self.peaks.get(name, 0.0), _peak_mib())
        _reset_peak()


def end_to_end(snapshot: dict[str, Any]) -> dict[str, float]:
    """``python -m matching solve`` in a child: wall seconds and peak RSS (MiB)."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "round.json"), Path(folder, "result.json")
        source.write_text(json.dumps(snapshot), encoding="utf-8")
        command = [sys.executable, "-m", "matching", "solve", str(source), "-o", str(target)]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        seconds = time.perf_counter() - started
        result = json.loads(target.read_text(encoding="utf-8"))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mib": peak, "placed": result["objective"]["placed"]}


def scores_only(problem) -> float:
    """Seconds for the block products and hard rules alone (no top-k), one process, one BLAS
    thread as on the national path."""
    scorer = build_scorer(problem, problem.snapshot["parameters"])
    started = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        for rows, cols, by_signature in blocks(problem):
            block_units(scorer, rows, cols, by_signature)
    return time.perf_counter() - started


def ortools_seconds(problem, candidates, free) -> float | None:
    """OR-Tools min-cost flow on the candidate graph (source, students, roles, sink)."""
    try:
        from ortools.graph.python import min_cost_flow
    except ImportError:
        return None
    n_students, n_roles = problem.shape
    values = candidates.units + (n_students * 10**6 + 1)
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, n_students + n_roles + 1
    tails = np.concatenate(
        [
            np.zeros(n_students, np.int64),
            1 + candidates.students,
            1 + n_students + np.arange(n_roles),
            [source],
        ]
    )
    heads = np.concatenate(
        [
            1 + np.arange(n_students),
            1 + n_students + candidates.roles,
            np.full(n_roles, sink),
            [sink],
        ]
    )
    capacities = np.concatenate(
        [np.ones(n_students + len(candidates), np.int64), np.maximum(free, 0), [n_students]]
    )
    costs = np.concatenate(
        [np.zeros(n_students, np.int64), -values, np.zeros(n_roles + 1, np.int64)]
    )
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(sink + 1, np.int64)
    supplies[source], supplies[sink] = n_students, -n_students
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    started = time.perf_counter()
    flow.solve()
    return time.perf_counter() - started


def measure(n_students: int, seed: int = 0) -> dict[str, Any]:
    """Every national figure for one size."""
    raw = synthetic_round(n_students, max(1, round(n_students * ROLES_PER_STUDENT)), seed=seed)
    row: dict[str, Any] = {"students": n_students, "roles": len(raw["roles"])}
    row["places"] = sum(role["places"] for role in raw["roles"])
    row["end_to_end"] = end_to_end(raw)
    peaks = StagePeaks()
    stages = Stages(hook=peaks)
    result = solve_round(raw, path="national", stages=stages)
    row["stages"] = {
        name: (stages.seconds[name], peaks.peaks.get(name, 0.0)) for name in stages.seconds
    }
    row["solver"] = result["solver"]
    snapshot = validate_snapshot(raw)
    problem = build_national_problem(snapshot)
    row["scores_s"] = scores_only(problem)
    outcome = stages.outcome
    if not outcome.certified:
        outcome = national_optimum(problem, exact=True)
    _, _, free = _lp_sets(problem)
    started = time.perf_counter()
    solve_graph(problem, outcome.candidates, free, "placements")
    row["engine_solve_s"] = time.perf_counter() - started
    row["ortools_s"] = ortools_seconds(problem, outcome.candidates, free)
    if n_students <= GAP_LIMIT:
        placed, units = _objective(outcome.scorer, outcome.pairs)
        default_units = round(result["objective"]["total_score"] * 10**6)
        row["gap"] = {
            "placed": placed - result["objective"]["placed"],
            "score_percent": 100 * (units - default_units) / max(1, units),
        }
    return row


def format_row(row: dict[str, Any]) -> list[str]:
    """Readable lines for one size."""
    e2e, solver = row["end_to_end"], row["solver"]
    lines = [
        f"{row['students']:,} students x {row['roles']:,} roles ({row['places']:,} places)",
        f"  python -m matching solve: {e2e['seconds']:.1f} s, peak RSS {e2e['peak_mib']:.0f} MiB",
        "  stage: seconds, peak MiB of the stage alone",
    ]
    for name, (seconds, peak) in row["stages"].items():
        lines.append(f"    {name:<16} {seconds:7.2f} s {peak:8.0f} MiB")
    lines.append(f"    scores alone     {row['scores_s']:7.2f} s (block products and hard rules)")
    lines.append(
        f"  candidates {solver['candidates']:,}; certified {solver['certified']}; "
        f"certificate rounds {solver['certificate_rounds']}"
    )
    if "gap" in row:
        gap = row["gap"]
        lines.append(
            f"  gap to the full optimum: {gap['placed']} placed, "
            f"{gap['score_percent']:.4f} % of the total score"
        )
    ortools = row["ortools_s"]
    ratio = (
        "ortools not installed"
        if ortools is None
        else (
            f"ortools min-cost flow {ortools:.2f} s; "
            f"engine / ortools = {row['engine_solve_s'] / ortools:.2f}x"
        )
    )
    lines.append(
        f"  one solve of the final graph from cold: engine {row['engine_solve_s']:.2f} s; {ratio}"
    )
    return lines


def run_national(sizes: list[int], seed: int = 0) -> list[dict[str, Any]]:
    """Measure and print every size; returns the rows."""
    rows = []
    for n_students in sizes:
        row = measure(n_students, seed)
        print("\n".join(format_row(row)), flush=True)
        rows.append(row)
    return rows
