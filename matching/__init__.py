"""Matching engine for Digital Talent Placements: pure Python on numpy and scipy.

A round snapshot (``placement-round/1``) goes in; a result (``placement-result/1``) comes out.
Anyone can re-run a stored snapshot offline and get the same result (same ``result_sha256``).
See ``docs/round-format.md``.
"""

from .assignment import assign
from .checks import check_result
from .explain import explain_student, pool_size
from .feasibility import RULES, feasible_mask, rule_masks
from .formats import DEFAULT_PARAMETERS, DEFAULT_WEIGHTS, SnapshotError
from .geography import BOROUGHS, travel_km
from .problem import Problem, build_problem
from .role_index import RoleIndex, RoleRanking
from .rounds import alternatives, solve_round
from .scoring import component_matrices, score_matrix
from .snapshot import prepare, validate_snapshot
from .stability import blocking_pairs, deferred_acceptance
from .synthetic import synthetic_round

__all__ = [
    "BOROUGHS",
    "DEFAULT_PARAMETERS",
    "DEFAULT_WEIGHTS",
    "RULES",
    "Problem",
    "RoleIndex",
    "RoleRanking",
    "SnapshotError",
    "alternatives",
    "assign",
    "blocking_pairs",
    "build_problem",
    "check_result",
    "component_matrices",
    "deferred_acceptance",
    "explain_student",
    "feasible_mask",
    "pool_size",
    "prepare",
    "rule_masks",
    "score_matrix",
    "solve_round",
    "synthetic_round",
    "travel_km",
    "validate_snapshot",
]
