"""Many coordinators, students and organisations at once: no double placement, no overfull role.

16 threads make over 1,000 approve, publish and accept attempts through the services, each with its
own database session, on rounds whose proposals compete for the same students and places.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable

from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from support.factories import create_coordinator, create_organisation, create_role, create_student
from support.rounds import run_round

from placement.errors import Conflict, NotFound, ValidationFailed
from placement.extensions import db
from placement.models import AuditEvent, MatchingRound, Offer, Placement, PlacementRole, Proposal
from placement.services import offers

THREADS = 16
ATTEMPTS_PER_THREAD = 66
RETRIES = 100


def _build() -> list[int]:
    """60 students, 20 roles of 1-3 places, and four rounds proposing different pairs."""
    picker = random.Random(5)
    organisations = [create_organisation()[0] for _ in range(4)]
    for number in range(20):
        create_role(organisations[number % 4], title=f"Role {number}", places=picker.randint(1, 3))
    for _ in range(60):
        create_student()
    create_coordinator()
    return [run_round(f"Round {seed}", seed=seed).id for seed in range(4)]


def _attempt(session: Session, rng: random.Random, round_ids: list[int]) -> str:
    """One approve, publish or accept attempt: 'done' or 'refused'."""
    choice = rng.random()
    try:
        if choice < 0.55:
            proposal_ids = (
                session.execute(select(Proposal.id).where(Proposal.round_id.in_(round_ids)))
                .scalars()
                .all()
            )
            offers.approve(session, rng.choice(proposal_ids))
            outcome = "approve"
        elif choice < 0.62:
            matching_round = session.get(MatchingRound, rng.choice(round_ids))
            offers.publish(session, matching_round, 7)
            outcome = "publish"
        else:
            offer_ids = session.execute(select(Offer.id)).scalars().all()
            if not offer_ids:
                return "refused"
            offers.accept(session, rng.choice(offer_ids), rng.choice(("student", "organisation")))
            outcome = "accept"
        session.commit()
        return outcome
    except (Conflict, ValidationFailed, NotFound):
        session.rollback()
        return "refused"


def _worker(
    factory: Callable[[], Session], seed: int, round_ids: list[int], tally: Counter, lock
) -> None:
    rng = random.Random(seed)
    for _ in range(ATTEMPTS_PER_THREAD):
        outcome = "lost"
        for retry in range(RETRIES):
            session = factory()
            try:
                outcome = _attempt(session, rng, round_ids)
                break
            except OperationalError:  # "database is locked" (SQLite) or a deadlock (PostgreSQL)
                session.rollback()
                time.sleep(0.005 * (retry + 1))
            finally:
                session.close()
        with lock:
            tally[outcome] += 1


def _count(model, *conditions) -> int:
    return db.session.execute(
        select(func.count()).select_from(model).where(*conditions)
    ).scalar_one()


def test_concurrent_approvals_and_acceptances_never_double_place_or_overfill(app, database_url):
    round_ids = _build()
    options = {"connect_args": {"timeout": 30, "check_same_thread": False}}
    if not database_url.startswith("sqlite"):
        options = {"pool_size": THREADS, "max_overflow": 4}
    engine = create_engine(database_url, **options)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    tally: Counter = Counter()
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_worker, args=(factory, seed, round_ids, tally, lock))
        for seed in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    db.session.expire_all()

    assert sum(tally.values()) == THREADS * ATTEMPTS_PER_THREAD >= 1000
    assert tally["lost"] == 0
    assert tally["approve"] > 0 and tally["accept"] > 0 and tally["refused"] > 0

    live = Offer.status.in_(("pending", "accepted"))
    per_student = Counter(db.session.execute(select(Offer.student_id).where(live)).scalars())
    assert [s for s, n in per_student.items() if n > 1] == []
    placed = Counter(
        db.session.execute(
            select(Placement.student_id).where(Placement.status != "withdrawn")
        ).scalars()
    )
    assert [s for s, n in placed.items() if n > 1] == []
    held = Counter(
        db.session.execute(
            select(Proposal.student_id).where(Proposal.status.in_(("approved", "offered")))
        ).scalars()
    )
    assert [s for s, n in held.items() if n > 1] == []
    for role in db.session.execute(select(PlacementRole)).scalars():
        live_offers = _count(Offer, Offer.role_id == role.id, live)
        approved = _count(Proposal, Proposal.role_id == role.id, Proposal.status == "approved")
        assert role.places_taken <= role.places
        assert role.places_taken == live_offers + approved

    # Every decision that succeeded is in the database and in the audit log: none was lost.
    events = Counter(db.session.execute(select(AuditEvent.action)).scalars())
    assert events["proposal_approved"] == tally["approve"]
    assert events["offer_accepted"] == tally["accept"]
    assert events["offers_published"] == tally["publish"]
    assert _count(Proposal, Proposal.decided_at.is_not(None)) == tally["approve"]
    accepted_sides = _count(Offer, Offer.student_response == "accepted") + _count(
        Offer, Offer.organisation_response == "accepted"
    )
    assert accepted_sides == tally["accept"]
    assert _count(Placement) == _count(Offer, Offer.status == "accepted")
