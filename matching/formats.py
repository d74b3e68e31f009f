"""JSON formats: constants, canonical encoding, hashing and safe file I/O."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

ROUND_FORMAT = "placement-round/1"
RESULT_FORMAT = "placement-result/1"

COMPONENTS: tuple[str, ...] = ("skills", "travel", "preferences", "sector")
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 0.5,
    "travel": 0.15,
    "preferences": 0.25,
    "sector": 0.1,
}
DEFAULT_PARAMETERS: dict[str, Any] = {
    "weights": DEFAULT_WEIGHTS,
    "min_score": 0.0,
    "objective": "placements",
    "seed": 0,
}
OBJECTIVES: tuple[str, ...] = ("placements", "score")
ALGORITHMS: tuple[str, ...] = ("optimal", "stable")
WORK_MODES: tuple[str, ...] = ("on-site", "hybrid", "remote")
RQF_LEVELS: tuple[int, ...] = (6, 7, 8)
MAX_STUDENT_PREFERENCES = 5
SCORE_DECIMALS = 6


class SnapshotError(ValueError):
    """Bad input: ``path`` names the field (``students[3].rqf_level``), ``message`` says why.

    Examples
    --------
    >>> str(SnapshotError("students[3].rqf_level", "must be 6, 7 or 8"))
    'students[3].rqf_level: must be 6, 7 or 8'
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


def canonical_json(data: Any) -> str:
    """Canonical JSON text: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(data: Any) -> str:
    """Hex sha256 of the UTF-8 bytes of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def result_digest(result: dict[str, Any]) -> str:
    """``result_sha256``: the hash of ``result`` without itself and without ``solver.seconds``."""
    body = {key: value for key, value in result.items() if key != "result_sha256"}
    if isinstance(body.get("solver"), dict):
        body["solver"] = {k: v for k, v in body["solver"].items() if k != "seconds"}
    return sha256_of(body)


def read_json(path: str | Path) -> Any:
    """Read a JSON file, raising :class:`SnapshotError` for a missing file or invalid JSON."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError(str(path), "file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SnapshotError(str(path), f"cannot be read ({error})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        raise SnapshotError(str(path), message) from None


def write_json_atomic(data: Any, path: str | Path) -> None:
    """Write JSON to ``path`` through a temporary file and a rename, so no partial file is left."""
    target = Path(path)
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
