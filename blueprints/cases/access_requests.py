"""Asking another team for access to a record they hold. A request names the record in
one of two ways: the search-box entry that matched it exactly, or, from the registration
form's duplicate check, a token the server signed for that match and that user. The check
finds similar names and PNC ids too, which the search box does not match exactly, so the
request carries the match itself rather than the details typed."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from models.people import Person

# A duplicate check shown in the morning can still be acted on after a day in court.
TOKEN_HOURS = 12
_SALT = "pathways.cases.access-request"


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def match_token(person_id: int) -> str:
    """A token that lets the signed-in user request access to `person_id`, who the
    duplicate check matched. It cannot be made for anyone else, or for a person the check
    did not match; and it does not show the id: each token carries it masked with a pad
    drawn afresh, so two tokens for the same record look unrelated (otherwise checks made
    with different details could be matched up through it)."""
    nonce = secrets.token_urlsafe(12)
    return _signer().dumps({"nonce": nonce, "masked": person_id ^ _pad(nonce),
                            "user": current_user.id})


def _pad(nonce: str) -> int:
    """64 bits derived from the app's secret key and `nonce` (HMAC-SHA256)."""
    key = hmac.new(current_app.secret_key.encode() if isinstance(current_app.secret_key, str)
                   else current_app.secret_key, _SALT.encode(), hashlib.sha256).digest()
    return int.from_bytes(hmac.new(key, nonce.encode(), hashlib.sha256).digest()[:8], "big")


class TokenRefused(ValueError):
    """A token that is expired, altered or another user's; str() is the message."""


def person_for_token(token: str) -> Person | None:
    """The person a token names (None if they are no longer held)."""
    try:
        payload = _signer().loads(token, max_age=TOKEN_HOURS * 3600)
    except SignatureExpired:
        raise TokenRefused(f"That match is more than {TOKEN_HOURS} hours old: check the "
                           "details again, then request access from the likely matches.") \
            from None
    except BadSignature:
        raise TokenRefused("That request is not valid: check the details again, then "
                           "request access from the likely matches.") from None
    if not isinstance(payload, dict) or payload.get("user") != current_user.id:
        raise TokenRefused("That request was made for another user: check the details "
                           "again, then request access from the likely matches.")
    nonce, masked = payload.get("nonce"), payload.get("masked")
    if not isinstance(nonce, str) or not isinstance(masked, int):
        raise TokenRefused("That request is not valid: check the details again.")
    return Person.get_or_none(Person.id == (masked ^ _pad(nonce)))
