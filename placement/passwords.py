"""Password rules and hashing (argon2id, OWASP ASVS 5.0)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

_hasher = PasswordHasher()  # argon2id, 64 MiB, 3 passes: above the OWASP minimum


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships a frequency list of the most used passwords taken from public breaches.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def problem_with(password: str, *, email: str | None = None) -> str | None:
    """What is wrong with a new password, in words a person can act on, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        return "Password is too easy to guess: choose a longer phrase of unrelated words"
    if email and lowered == email.lower():
        return "Password must not be your email address"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when an account does not exist, so both answers take the same time.
DUMMY_HASH = _hasher.hash("not a real password, only for timing")
