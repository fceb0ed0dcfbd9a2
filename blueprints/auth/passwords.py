"""Password hashing with Argon2id, and the rules for a new password."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_LENGTH = 10
MAX_LENGTH = 128  # long enough for passphrases; bounded so hashing cannot be abused
_hashers: dict[tuple[int, int], PasswordHasher] = {}
_dummy_hashes: dict[tuple[int, int], str] = {}


def _hasher() -> PasswordHasher:
    cost = (3, 65536)
    if has_app_context():
        cost = (current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"])
    if cost not in _hashers:
        _hashers[cost] = PasswordHasher(time_cost=cost[0], memory_cost=cost[1])
    return _hashers[cost]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check `password`. With no hash (unknown user) a dummy hash is checked instead, so
    that an unknown email takes as long to refuse as a wrong password."""
    hasher = _hasher()
    if not password_hash:
        key = (hasher.time_cost, hasher.memory_cost)
        if key not in _dummy_hashes:
            _dummy_hashes[key] = hasher.hash(secrets.token_urlsafe(16))
        password_hash = _dummy_hashes[key]
        try:
            hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A temporary password an administrator hands over (the user must change it)."""
    words = secrets.token_urlsafe(12)
    return f"{words[:4]}-{words[4:8]}-{words[8:12]}-{secrets.randbelow(90) + 10}"


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` may not be used, or None if it may."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if email and email.split("@")[0].lower() in password.lower() and len(email.split("@")[0]) > 3:
        return "Password must not contain your email address"
    if len(set(password)) < 4:
        return "Password must not repeat the same few characters"
    return None
