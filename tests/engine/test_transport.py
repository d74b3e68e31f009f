"""The national path's solver: optimal with role capacities, its duals prove it, warm starts too."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching import solve_round
from matching.synthetic import synthetic_round
from matching.transport import UNMATCHED, Transport


def reference_value(n_rows, capacity, rows, cols, values):
    """The optimum by scipy's dense solver: a column per place, one "unmatched" per row."""
    places = np.repeat(np.arange(capacity.size), capacity)
    matrix = np.full((n_rows, places.size + n_rows), -1e12)
    matrix[:, places.size :] = 0.0
    for r, c, v in zip(rows, cols, values, strict=True):
        matrix[r, : places.size][places == c] = v
    chosen_rows, chosen_cols = linear_sum_assignment(matrix, maximize=True)
    return matrix[chosen_rows, chosen_cols].sum()


def check_optimal(solver, n_rows, capacity, rows, cols, values):
    """The assignment uses only given pairs and free places, and its duals match its value."""
    assignment = solver.assignment
    triples = zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True)
    value = {(r, c): v for r, c, v in triples}
    total = sum(value[r, c] for r, c in enumerate(assignment.tolist()) if c != UNMATCHED)
    placed = assignment[assignment >= 0]
    assert (np.bincount(placed, minlength=capacity.size) <= capacity).all()
    u, v = solver.duals()
    assert (u >= 0).all() and (v >= 0).all()
    assert (u[rows] + v[cols] >= values).all()
    # LP duality: a feasible dual solution worth the assignment's value proves it optimal.
    assert u.sum() + (v * capacity).sum() == total
    assert total == reference_value(n_rows, capacity, rows, cols, values)
    return total


pairs_problems = st.integers(0, 10**9).map(np.random.default_rng)


def random_problem(rng):
    n_rows, n_cols = int(rng.integers(1, 9)), int(rng.integers(1, 6))
    capacity = rng.integers(0, 3, n_cols)
    mask = rng.random((n_rows, n_cols)) < rng.random()
    rows, cols = np.nonzero(mask)
    values = rng.integers(1, 6, rows.size).astype(float)  # small values: many ties
    return n_rows, capacity, rows, cols, values


@settings(max_examples=400, deadline=None)
@given(rng=pairs_problems)
def test_the_solver_finds_the_optimum_with_capacities_and_its_duals_prove_it(rng):
    n_rows, capacity, rows, cols, values = random_problem(rng)
    solver = Transport(n_rows, capacity.size, capacity)
    solver.solve(rows, cols, values)
    check_optimal(solver, n_rows, capacity, rows, cols, values)


@settings(max_examples=400, deadline=None)
@given(rng=pairs_problems)
def test_a_re_solve_after_pairs_are_added_starts_from_the_old_prices_and_is_still_optimal(rng):
    n_rows, capacity, rows, cols, values = random_problem(rng)
    first = rng.random(rows.size) < 0.5
    solver = Transport(n_rows, capacity.size, capacity)
    solver.solve(rows[first], cols[first], values[first])
    check_optimal(solver, n_rows, capacity, rows[first], cols[first], values[first])
    solver.solve(rows, cols, values)
    check_optimal(solver, n_rows, capacity, rows, cols, values)


def test_a_warm_start_that_leaves_a_priced_role_with_a_place_refills_it():
    # Rows 0 and 1 both want role 0 (one place): it gets a price. Then row 0 gains a better
    # role 1, so role 0 keeps a place at a price above 0 until the refill gives it to row 1.
    capacity = np.array([1, 1])
    solver = Transport(2, 2, capacity)
    rows, cols, values = np.array([0, 1]), np.array([0, 0]), np.array([5.0, 4.0])
    solver.solve(rows, cols, values)
    assert solver.assignment.tolist() == [0, UNMATCHED]
    assert solver.duals()[1][0] == 4.0
    rows, cols, values = np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([5.0, 9.0, 4.0])
    solver.solve(rows, cols, values)
    assert solver.refilled == 1
    assert solver.assignment.tolist() == [1, 0]
    check_optimal(solver, 2, capacity, rows, cols, values)


@pytest.mark.parametrize("seed", range(3))
def test_blocks_shared_among_forked_processes_give_the_same_result_as_one_process(
    monkeypatch, seed
):
    from matching import blocks

    data = synthetic_round(300, 120, seed=seed, objective=["placements", "score"][seed % 2])
    monkeypatch.setattr(blocks, "SMALL_CLASS_CELLS", 0)  # many blocks, so every share has some
    monkeypatch.setattr(blocks, "PROCESSES", 1)
    alone = solve_round(data, path="national", k=2, exact=True)
    monkeypatch.setattr(blocks, "PROCESSES", 3)
    monkeypatch.setattr(blocks, "FORK_CELLS", 0)
    forks = []
    fork_shares = blocks._fork_shares
    monkeypatch.setattr(blocks, "_fork_shares", lambda *a: forks.append(a) or fork_shares(*a))
    shared = solve_round(data, path="national", k=2, exact=True)
    assert len(forks) >= 3  # candidates, each certificate scan, the audit
    assert shared["result_sha256"] == alone["result_sha256"]
    assert shared["stability"]["blocking_pairs"] == alone["stability"]["blocking_pairs"]
    assert shared["solver"]["certificate_rounds"] == alone["solver"]["certificate_rounds"]


def test_forked_shares_end_on_sigterm_even_when_the_parent_ignores_it(monkeypatch):
    """An RQ worker (or a test that ran one) leaves a SIGTERM handler that does not exit. The
    pool ends its workers with SIGTERM, and one waiting for work would then wait for ever (a
    CI run hung so): each share must run with the default handler."""
    import signal

    from matching import blocks
    from matching.problem import build_problem
    from matching.snapshot import validate_snapshot

    problem = build_problem(validate_snapshot(synthetic_round(60, 25, seed=1)), dense=False)
    monkeypatch.setattr(blocks, "FORK_CELLS", 0)
    monkeypatch.setattr(blocks, "SMALL_CLASS_CELLS", 0)
    previous = signal.signal(signal.SIGTERM, lambda *args: None)
    try:

        def work(state, rows, cols, by_signature):
            state.append(signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)

        shares = blocks.fold_blocks(problem, work, list, processes=2)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert shares[0] and not any(shares[0])  # here, the parent's own handler
    assert shares[1] and all(shares[1])  # in the forked share, the default one
