"""Pending imports between the preview and the confirm: in the PRIVATE storage (common/storage.py, never served),
under a random token bound to the user's session. The path is the token only — never the user's file name, which
stays in the session for the messages. Files older than STASH_MAX_AGE_SECONDS are removed at each new stash."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

from common.storage import private_storage

SESSION_KEY = "kepu_imports"
STASH_MAX_AGE_SECONDS = 24 * 3600
TOKEN = re.compile(r"[0-9a-f]{32}")


def stash_dir() -> Path:
    path = Path(private_storage().location) / "import-stash"
    path.mkdir(parents=True, exist_ok=True)
    return path


SUFFIXES = (".xlsx", ".csv", ".txt")  # the only endings a stashed file gets (the portal's, from its kind)


def _path(token: str, suffix: str = ".bin") -> Path:
    return stash_dir() / f"{token}{suffix if suffix in SUFFIXES else '.bin'}"


def _suffix_for(filename: str) -> str:
    lowered = (filename or "").lower()
    return next((s for s in SUFFIXES if lowered.endswith(s)), ".bin")


def remove_expired(max_age: int = STASH_MAX_AGE_SECONDS) -> int:
    removed, cutoff = 0, time.time() - max_age
    for stale in stash_dir().iterdir():  # previews never confirmed
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def stash_upload(request, key: str, data: bytes, filename: str, **extra) -> str:
    """Keep `data` until the confirm; `extra` (JSON-able: a campaign id …) is kept in the session with it."""
    remove_expired()
    token = uuid.uuid4().hex
    suffix = _suffix_for(filename)
    _path(token, suffix).write_bytes(data)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"key": key, "filename": filename, "suffix": suffix, **extra}
    request.session[SESSION_KEY] = pending
    return token


def stash_meta(request, key: str, token: str) -> dict | None:
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    meta = request.session.get(SESSION_KEY, {}).get(token)
    if not meta or meta.get("key") != key:
        return None
    return meta


def load_stash(request, key: str, token: str):
    """(bytes, file name) of this session's pending import, or (None, None) when expired or not this user's."""
    meta = stash_meta(request, key, token)
    if meta is None:
        return None, None
    path = _path(token, meta.get("suffix", ".bin"))
    if not path.exists():
        return None, None
    return path.read_bytes(), meta["filename"]


def save_preview(token: str, rows: list) -> None:
    """The checked rows of a preview, so that its pages are read from the stash (no re-upload, no re-check)."""
    if TOKEN.fullmatch(token):
        (stash_dir() / f"{token}.json").write_text(json.dumps(rows, ensure_ascii=False, default=str), "utf-8")


def load_preview(request, key: str, token: str) -> list | None:
    if stash_meta(request, key, token) is None:
        return None
    path = stash_dir() / f"{token}.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def drop_stash(request, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if isinstance(token, str) and TOKEN.fullmatch(token):
        for path in stash_dir().glob(f"{token}.*"):
            path.unlink(missing_ok=True)
