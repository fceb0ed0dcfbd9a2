"""Sign-in throttling: failed attempts are counted per account and per address.

Counts live in the attempt counter's storage (memory, or Redis when RATELIMIT_STORAGE_URI
says so, shared by every app server). Only failures count, so a user who signs in and out
all day is never slowed down.
"""
from __future__ import annotations

import hashlib

from limits import parse

from ..extensions import limiter

PER_ACCOUNT = parse("5 per 15 minutes")
PER_ADDRESS = parse("30 per 15 minutes")


def _account_key(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()


def is_throttled(email: str, address: str) -> bool:
    strategy = limiter.limiter
    return not (strategy.test(PER_ACCOUNT, "login-account", _account_key(email))
                and strategy.test(PER_ADDRESS, "login-address", address))


def record_failure(email: str, address: str) -> None:
    strategy = limiter.limiter
    strategy.hit(PER_ACCOUNT, "login-account", _account_key(email))
    strategy.hit(PER_ADDRESS, "login-address", address)


def clear_account(email: str) -> None:
    limiter.limiter.clear(PER_ACCOUNT, "login-account", _account_key(email))
