"""The home page ("my day"), the monitoring reports for managers and the health check."""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, redirect, request, url_for
from flask_login import current_user

from models.base import db, utcnow, writing

from ..access import MANAGERS, my_teams, public, role_required, signed_in, visible_teams
from ..audit import audit
from ..formats import format_datetime
from ..htmx import is_partial, render
from ..navigation import navigation_for
from . import panels as home_panels
from .charts import chart
from .csv_export import figure_csv
from .docx_report import monitoring_docx
from .figures import build_report, find_figure
from .figures.base import Scope
from .forms import ReportFilterForm
from .period import presets

bp = Blueprint("dashboard", __name__)
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/")
@signed_in
def index():
    """My day: the first page after signing in, with the lists for the user's role."""
    parts = [item for item in navigation_for(current_user) if item["label"] != "Home"]
    return render("dashboard/index.html", title="Home", parts=parts, teams=my_teams(),
                  panels=home_panels.for_user(current_user))


@bp.route("/my-day/<key>")
@signed_in
def panel(key: str):
    """One list of the home page, refreshed by htmx (the whole page without htmx)."""
    if not is_partial():  # without htmx: the home page, at that list if the user has it
        return redirect(url_for("dashboard.index") + f"#panel-{key}")
    if key not in home_panels.BY_KEY:
        abort(404)
    found = home_panels.one_for_user(current_user, key)
    if found is None:
        return "", 204  # not a list of this user's home page: nothing to refresh
    return render("dashboard/index.html", f"panel_{key.replace('-', '_')}",
                  panels={key: found})


def _report_request() -> tuple[ReportFilterForm, Scope | None]:
    """The filter form from the query string and, when it is valid, the scope it asks for.
    A team the manager does not belong to is a 404, as for any other team's record."""
    teams = list(visible_teams())
    own = {t.id for t in teams}
    asked = request.args.getlist("teams")
    if any(not a.isdigit() or int(a) not in own for a in asked):
        abort(404)
    form = ReportFilterForm(request.args, teams=teams)
    if request.args and not form.validate():
        return form, None
    return form, Scope(form.period(), form.team_ids())


def _query_args(scope: Scope, form: ReportFilterForm) -> dict:
    args = {"start": scope.period.start.isoformat(), "end": scope.period.end.isoformat()}
    if form.teams.data:
        args["teams"] = list(scope.team_ids)
    return args


@bp.route("/reports")
@role_required(*MANAGERS)
def reports():
    """Monitoring figures for a period and the manager's teams, with charts and tables."""
    form, scope = _report_request()
    report = build_report(scope) if scope and scope.team_ids else []
    team_names = {t.id: t.name for t in visible_teams()}
    return render("dashboard/reports.html", "report", title="Monitoring reports", form=form,
                  scope=scope, report=report, chart=chart, presets=presets(),
                  announce=is_partial(),
                  args=_query_args(scope, form) if scope else {},
                  team_names=[team_names[i] for i in scope.team_ids] if scope else [])


@bp.route("/reports/<key>.csv")
@role_required(*MANAGERS)
def report_csv(key: str):
    """One report table as a CSV file (small numbers suppressed), recorded in the audit log."""
    form, scope = _report_request()
    if scope is None:
        abort(400)
    figure = find_figure(key, scope)
    if figure is None:
        abort(404)
    names = ", ".join(t.name for t in visible_teams() if t.id in scope.team_ids)
    body = figure_csv(figure, [("Period", scope.period.label), ("Teams", names),
                               ("Note", "Counts of 1 to 4 are shown as 'fewer than 5'.")])
    with writing():
        audit("report.exported", object_type="report", object_id=key,
              detail=f"csv {scope.period.start}..{scope.period.end} teams={list(scope.team_ids)}")
    filename = f"pathways-{key}-{scope.period.start}-to-{scope.period.last_day}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/reports/monitoring-report.docx")
@role_required(*MANAGERS)
def report_docx():
    """The quarterly monitoring report (every table) as a Word document, audited."""
    form, scope = _report_request()
    if scope is None or not scope.team_ids:
        abort(400)
    names = [t.name for t in visible_teams() if t.id in scope.team_ids]
    body = monitoring_docx(build_report(scope), period_label=scope.period.label,
                           previous_label=scope.previous().period.label, team_names=names,
                           produced=format_datetime(utcnow()))
    with writing():
        audit("report.exported", object_type="report", object_id="monitoring-report",
              detail=f"docx {scope.period.start}..{scope.period.end} teams={list(scope.team_ids)}")
    filename = f"pathways-monitoring-{scope.period.start}-to-{scope.period.last_day}.docx"
    return Response(body, mimetype=DOCX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/healthz")
@public
def healthz():
    """200 when the app can reach its database, 503 when it cannot (for load balancers)."""
    try:
        db.execute_sql("SELECT 1").fetchone()
    except Exception:  # any database failure means "not healthy"
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
