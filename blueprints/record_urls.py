"""Links to one record by its id, for long lists.

`url_for` costs about as much as the rest of a table row (Flask and Werkzeug work the URL
out from the route map each time); a caseload of 60 rows paid it 60 times for the same
route with another id. `record_url('cases.referral', referral_id=r.id)` asks `url_for`
once per route and application root, then only puts the id in.
"""
from __future__ import annotations

from flask import current_app, request, url_for

# An id no record has, so it can be found again in the URL Flask builds.
_MARKER = 987654321987


def record_url(endpoint: str, **one_id) -> str:
    """The URL of `endpoint` for one record, given as its only argument: an int id."""
    ((name, value),) = one_id.items()
    if type(value) is not int:
        raise TypeError(f"record_url takes an int id, not {type(value).__name__} ({name})")
    patterns = current_app.extensions.setdefault("record_urls", {})
    key = (endpoint, name, request.script_root)
    pattern = patterns.get(key)
    if pattern is None:
        before, marker, after = url_for(endpoint, **{name: _MARKER}).partition(str(_MARKER))
        if not marker or str(_MARKER) in after:
            raise ValueError(f"{endpoint} gave no URL holding {name}")
        pattern = patterns[key] = (before, after)
    return f"{pattern[0]}{value}{pattern[1]}"
