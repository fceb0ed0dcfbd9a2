"""Retention review: managers see their teams' closed referrals past the retention period
and approve destroying their content, which leaves a stub and the audit trail."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user

from models.base import writing
from models.people import Referral
from models.retention import Destruction, destroy_referral, due_for_review, is_due

from ..access import MANAGERS, role_required, scope_to_teams, user_team_ids
from ..audit import audit
from ..case_access import get_referral_or_404
from ..htmx import hx_redirect, render
from .forms import DestroyForm

bp = Blueprint("security", __name__, url_prefix="/retention")
PAGE = 100


def _years() -> int:
    return current_app.config["RETENTION_YEARS"]


def _held_by_my_team(referral: Referral) -> Referral:
    """Only the team that holds a referral decides its destruction (not teams it was
    shared with): 404 for anyone else."""
    ids = user_team_ids()
    if ids is not None and referral.team_id not in ids:
        abort(404)
    return referral


@bp.route("/")
@role_required(*MANAGERS)
def review():
    """Closed referrals of my teams kept longer than the retention period."""
    due = list(due_for_review(user_team_ids(), _years()).limit(PAGE + 1))
    recent = scope_to_teams(Destruction.select(), Destruction.team)
    recent = recent.order_by(Destruction.approved_at.desc()).limit(20)
    return render("security/review.html", "due_list", title="Records due for review",
                  due=due[:PAGE], more=len(due) > PAGE, years=_years(),
                  destroyed=list(recent))


@bp.route("/<int:referral_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def destroy(referral_id: int):
    """Approve destroying one referral's content after its retention period."""
    referral = _held_by_my_team(get_referral_or_404(referral_id))
    form = DestroyForm()
    if request.method == "GET":
        form.version.data = str(referral.version)
    if not is_due(referral, _years()):
        flash("This referral is not due for destruction (it is open, was reopened, is "
              "inside its retention period or has already been destroyed).", "info")
        return hx_redirect(url_for("security.review"))
    if form.validate_on_submit():
        if form.version.data != str(referral.version):
            form.form_errors.append("This referral changed while you were looking at it. "
                                    "Check it again before approving.")
        else:
            with writing():
                stub = destroy_referral(referral, current_user._get_current_object(), _years())
                audit("retention.destroyed", object_type="referral", object_id=referral.id,
                      person_id=referral.person_id, team_id=referral.team_id,
                      detail=f"stub={stub.id} closed={referral.closed_at:%Y-%m-%d} "
                             f"years={_years()}")
            flash(f"Referral {referral.id}: content destroyed. A stub and the audit trail "
                  "remain.", "success")
            return hx_redirect(url_for("security.review"))
    with writing():
        audit("retention.reviewed", object_type="referral", object_id=referral.id,
              person_id=referral.person_id, team_id=referral.team_id)
    return render("security/destroy.html", title=f"Destroy referral {referral.id}",
                  referral=referral, form=form, years=_years())
