"""`placement round ...` and `placement offers ...`: thin click commands over the round services."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.jobs import rounds as round_jobs
from placement.models import MatchingRound
from placement.services import offers, round_gaps, rounds


def _weights(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    weights = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise click.BadParameter(
                f"{part!r} is not NAME=NUMBER", param_hint="--weights"
            ) from None
    return weights


@click.group("round")
def round_group() -> None:
    """Run matching rounds and export them."""


@round_group.command("run")
@click.option("--name", required=True, help="A name for the round.")
@click.option("--min-score", type=float, help="Pairs scoring below this (0-1) are never proposed.")
@click.option("--objective", type=click.Choice(rounds.OBJECTIVES), help="What to aim for.")
@click.option("--seed", type=int, help="Seeds the lottery that breaks ties.")
@click.option("--weights", help="Component weights, e.g. skills=0.5,travel=0.15,...")
@click.option(
    "--queue",
    "queued",
    is_flag=True,
    help="Queue the round for a worker (`placement worker`) instead of running it here.",
)
@with_appcontext
def run_round(
    name: str,
    min_score: float | None,
    objective: str | None,
    seed: int | None,
    weights: str | None,
    queued: bool,
) -> None:
    """Create and run a round over everyone ready for matching; print its id and a summary.

    By default the round runs in this process, in one transaction; with --queue it is queued
    and a worker runs it (its page and `round export` show it when done)."""
    try:
        parameters = rounds.parameters_from(
            weights=_weights(weights), min_score=min_score, objective=objective, seed=seed
        )
        draft = rounds.create(db.session, name, parameters=parameters)
    except ValidationFailed as failure:
        db.session.rollback()
        raise click.ClickException(failure.message) from None
    db.session.commit()
    if queued:
        rounds.queue(db.session, draft.id)
        db.session.commit()
        click.echo(f"Round {draft.id} queued: a worker (`placement worker`) will run it.")
        return
    matching_round = rounds.run_or_fail(db.session, draft.id)
    db.session.commit()
    if matching_round.status == "failed":
        raise click.ClickException(f"Round {matching_round.id} failed: {matching_round.error}")
    round_jobs.keep_gaps(db.session, matching_round.id)  # as the round job does
    summary = rounds.summary(matching_round.result)
    click.echo(f"Round {matching_round.id}: {matching_round.name}")
    click.echo(
        f"{summary['placed']} placed, {summary['unmatched']} unmatched, "
        f"{summary['unfilled_places']} places unfilled; total score {summary['total_score']}, "
        f"mean {summary['mean_score']}, first choice {summary['first_choice_share']}%"
    )
    click.echo(f"result_sha256 {matching_round.result_sha256}")


@round_group.command("export")
@click.argument("round_id", type=int)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_round(round_id: int, directory: Path) -> None:
    """Write DIRECTORY/round.json and DIRECTORY/result.json exactly as stored."""
    matching_round = db.session.get(MatchingRound, round_id)
    if matching_round is None or matching_round.snapshot is None:
        raise click.ClickException(f"No round {round_id} with a stored snapshot")
    directory.mkdir(parents=True, exist_ok=True)
    for name, document in (("round", matching_round.snapshot), ("result", matching_round.result)):
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        (directory / f"{name}.json").write_text(text, encoding="utf-8")
    click.echo(f"Wrote {directory / 'round.json'} and {directory / 'result.json'}")


@round_group.command("gaps")
@click.argument("round_id", type=int)
@with_appcontext
def keep_round_gaps(round_id: int) -> None:
    """Work out again, and keep, what stands between a completed round's unmatched students and
    its empty places (the round's job does this once the round completes; this is for a round
    whose page still says "Not ready yet")."""
    matching_round = db.session.get(MatchingRound, round_id)
    if matching_round is None or matching_round.status != "completed":
        raise click.ClickException(f"No completed round {round_id}")
    round_gaps.store(db.session, round_id)
    db.session.commit()
    kept = round_gaps.from_document(matching_round.gaps or {})
    if kept is None:
        click.echo(f"Round {round_id}: every student has a proposal or every place is filled.")
        return
    click.echo(
        f"Round {round_id}: {kept.unmatched} student(s) without a proposal, "
        f"{kept.empty_places} place(s) empty; kept for its page."
    )


@click.group("offers")
def offers_group() -> None:
    """Offers sent to students and organisations."""


@offers_group.command("expire")
@with_appcontext
def expire_offers() -> None:
    """Expire offers past their deadline: their places and students return to the pool."""
    try:
        count = offers.expire_overdue(db.session)
    except Conflict as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    current_app.logger.info("expired %s offers", count)
    click.echo(f"{count} offer(s) expired.")
