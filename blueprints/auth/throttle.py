"""Sign-in throttling: failed attempts are counted per account and per address.

Counts live in the attempt counter's storage (memory, or Redis when RATELIMIT_STORAGE_URI
says so, shared by every app server). Only failures count, so a user who signs in and out
all day is never slowed down.
"""
from __future__ import annotations

import hashlib

from limits import parse
from limits.strategies import MovingWindowRateLimiter

from ..extensions import limiter

PER_ACCOUNT = parse("5 per 15 minutes")
PER_ADDRESS = parse("30 per 15 minutes")
# Set by an account's fifth failure within 15 minutes (counted over a moving window, so
# the count starts afresh at no clock boundary), and lasting 15 minutes from then.
LOCK = parse("1 per 15 minutes")


def _account_key(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()


def _moving() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.limiter.storage)


def is_throttled(email: str, address: str) -> bool:
    fixed, account = limiter.limiter, _account_key(email)
    return not (fixed.test(LOCK, "login-lock", account)
                and fixed.test(PER_ADDRESS, "login-address", address))


def record_failure(email: str, address: str) -> None:
    fixed, moving, account = limiter.limiter, _moving(), _account_key(email)
    moving.hit(PER_ACCOUNT, "login-account", account)
    if not moving.test(PER_ACCOUNT, "login-account", account):
        fixed.hit(LOCK, "login-lock", account)
    fixed.hit(PER_ADDRESS, "login-address", address)


def clear_account(email: str) -> None:
    account = _account_key(email)
    _moving().clear(PER_ACCOUNT, "login-account", account)
    limiter.limiter.clear(LOCK, "login-lock", account)
