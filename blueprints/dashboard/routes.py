"""The home page ("my day") and the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from models.base import db

from ..access import my_teams, public, signed_in
from ..navigation import navigation_for

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@signed_in
def index():
    """My day: the first page after signing in."""
    parts = [item for item in navigation_for(current_user) if item["label"] != "Home"]
    return render_template("dashboard/index.html", title="Home", parts=parts,
                           teams=my_teams())


@bp.route("/healthz")
@public
def healthz():
    """200 when the app can reach its database, 503 when it cannot (for load balancers)."""
    try:
        db.execute_sql("SELECT 1").fetchone()
    except Exception:  # any database failure means "not healthy"
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
