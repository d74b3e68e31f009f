"""Command line: ``python -m matching solve|check|explain|bench``.

Exit status: 0 success, 1 invalid result (``check``), 2 bad input (message on stderr, no output
file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .candidates import DEFAULT_K
from .checks import check_result
from .formats import ALGORITHMS, SnapshotError, read_json, write_json_atomic
from .national import check_size
from .rounds import PATHS, explained, solve_round

BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matching", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    solve = commands.add_parser("solve", help="solve a round snapshot")
    solve.add_argument("round", help="placement-round/1 JSON file")
    solve.add_argument("-o", "--output", required=True, help="result file, or - for stdout")
    solve.add_argument(
        "--scores",
        action="store_true",
        help="include every feasible pair's score (national size: the candidate pairs only)",
    )
    solve.add_argument("--algorithm", choices=ALGORITHMS, default="optimal")
    solve.add_argument(
        "--exact",
        action="store_true",
        help="national size: repeat the certificate until the result is certified optimal",
    )
    solve.add_argument(
        "--k",
        type=int,
        default=DEFAULT_K,
        help=f"national size: best roles kept per student and students per role ({DEFAULT_K})",
    )
    solve.add_argument(
        "--path",
        choices=PATHS,
        default="auto",
        help="auto: the national path above the documented size; or force one",
    )
    check = commands.add_parser("check", help="check a result against its round")
    check.add_argument("round")
    check.add_argument("result")
    explain = commands.add_parser("explain", help="explain one student's outcome")
    explain.add_argument("round")
    explain.add_argument("student")
    bench = commands.add_parser("bench", help="time the engine on synthetic rounds")
    bench.add_argument("--sizes", default="100,500,1000,2000,5000", help="comma-separated")
    bench.add_argument(
        "--national",
        action="store_true",
        help="national-size rounds (--sizes defaults to 20000,50000): stages, memory, certificate",
    )
    return parser


def _solve(args: argparse.Namespace) -> int:
    snapshot = read_json(args.round)
    check_size(*_sizes(snapshot), k=args.k)
    result = solve_round(
        snapshot,
        algorithm=args.algorithm,
        include_scores=args.scores,
        path=args.path,
        k=args.k,
        exact=args.exact,
    )
    if args.output == "-":
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    try:
        write_json_atomic(result, args.output)
    except OSError as error:
        raise SnapshotError(args.output, f"cannot be written ({error.strerror})") from None
    return 0


def _sizes(snapshot: Any) -> tuple[int, int]:
    if not isinstance(snapshot, dict):
        return 0, 0
    counts = [snapshot.get(field) for field in ("students", "roles")]
    return tuple(len(c) if isinstance(c, list) else 0 for c in counts)


def _check(args: argparse.Namespace) -> int:
    snapshot, result = read_json(args.round), read_json(args.result)
    problems = check_result(snapshot, result)
    for problem in problems:
        print(problem)
    if not problems:
        print("valid")
    return 1 if problems else 0


def _explain_lines(result: dict[str, Any], report: dict[str, Any], student: str) -> list[str]:
    lines = [f"Student {student}"]
    assigned = [a for a in result["assignments"] if a["student"] == student]
    if assigned:
        entry = assigned[0]
        lines.append(f"Assigned to {entry['role']} (score {entry['score']:.6f})")
        lines.extend(f"  - {reason}" for reason in entry["reasons"])
    else:
        reason = next(u["reason"] for u in result["unmatched"] if u["student"] == student)
        lines.append(f"Not matched: {reason}")
    if report["alternatives"]:
        lines.append("Alternatives (cost to the round if chosen instead):")
    for alt in report["alternatives"]:
        cost = alt["cost"]
        lines.append(
            f"  - {alt['role']} (score {alt['score']:.6f}): {cost['placed']} fewer placed, "
            f"total score {cost['total_score']:.6f} lower"
        )
    if report["locked"]:
        lines.append("This placement is locked (already approved).")
    return lines


def _explain(args: argparse.Namespace) -> int:
    snapshot = read_json(args.round)
    try:
        result, report = explained(snapshot, args.student)
    except KeyError:
        raise SnapshotError("student", f"unknown student id {args.student!r}") from None
    print("\n".join(_explain_lines(result, report, args.student)))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from .bench import run_benchmarks

    text = args.sizes
    if args.national and text == "100,500,1000,2000,5000":
        text = "20000,50000"
    try:
        sizes = [int(size) for size in text.split(",") if size.strip()]
    except ValueError:
        raise SnapshotError("--sizes", "must be whole numbers separated by commas") from None
    if args.national:
        from .bench_national import run_national

        run_national(sizes)
        return 0
    run_benchmarks(sizes)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    commands = {"solve": _solve, "check": _check, "explain": _explain, "bench": _bench}
    try:
        return commands[args.command](args)
    except SnapshotError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
