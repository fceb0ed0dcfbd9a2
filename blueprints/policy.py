"""The declared access policy: for every route, who may use it and whether it shows one
team's records.

This table is the second, independent statement of each view's access (the first is the
view's own `@role_required(...)` / `@public` decorator). tests/test_access_routes.py walks
every route of the app as an anonymous visitor, as each role, as a deactivated user and as
a user of another team, and fails when a route is missing here (deny by default), when the
decorator and this table disagree, or when a response differs from what the table says:

- anonymous or deactivated: sent to sign in (htmx: 401 with HX-Redirect), unless public;
- a role not listed: 403;
- a listed role: served;
- `team_scoped`: the route names a record of one team (its URL arguments, built by
  tests/samples.py); a user of another team gets 404, as if it did not exist;
- `own_records_only`: these roles may use it only on records they made (the samples are
  made by someone else, so they get 403).

Adding a route: add its endpoint here, next to its part's other routes.
"""
from __future__ import annotations

from dataclasses import dataclass

from .access import ADMINS, ALL_ROLES, CASEWORKERS, MANAGERS  # noqa: F401  (parts use them)


@dataclass(frozen=True)
class Rule:
    roles: frozenset = frozenset()  # empty with public=True: anyone
    public: bool = False
    team_scoped: bool = False
    # Roles that may use the route only on records they made themselves (403 otherwise).
    own_records_only: frozenset = frozenset()
    # Only the user who made the record sees it at all (404 for everyone else).
    maker_only: bool = False


def allow(*roles: str, team_scoped: bool = False, own_records_only=(),
          maker_only: bool = False) -> Rule:
    """Signed-in users with one of `roles`."""
    if not roles:
        raise ValueError("allow() needs at least one role")
    return Rule(roles=frozenset(roles), team_scoped=team_scoped,
                own_records_only=frozenset(own_records_only), maker_only=maker_only)


PUBLIC = Rule(public=True)
SIGNED_IN = allow(*ALL_ROLES)

POLICY: dict[str, Rule] = {
    # Foundation: signing in and out, home page, health check.
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.password": SIGNED_IN,
    "dashboard.index": SIGNED_IN,
    "dashboard.healthz": PUBLIC,
    "dashboard.panel": SIGNED_IN,
    # Monitoring reports: aggregates over the manager's own teams (another team's id is 404).
    "dashboard.reports": allow(*MANAGERS),
    "dashboard.report_csv": allow(*MANAGERS),
    "dashboard.report_docx": allow(*MANAGERS),
    # Administration: users, teams, the audit log (administrators only, every team).
    "admin.users": allow(*ADMINS),
    "admin.new_user": allow(*ADMINS),
    "admin.edit_user": allow(*ADMINS),
    "admin.reset_password": allow(*ADMINS),
    "admin.teams": allow(*ADMINS),
    "admin.new_team": allow(*ADMINS),
    "admin.edit_team": allow(*ADMINS),
    "admin.audit_log": allow(*ADMINS),
    # Case work: people, referrals, notes, needs, follow-ups (the teams holding a referral).
    "cases.index": allow(*CASEWORKERS),
    "cases.new": allow(*CASEWORKERS),
    "cases.request_access": allow(*CASEWORKERS),
    "cases.search_notes": allow(*CASEWORKERS),
    "cases.detail": allow(*CASEWORKERS, team_scoped=True),
    "cases.edit": allow(*CASEWORKERS, team_scoped=True),
    "cases.timeline": allow(*CASEWORKERS, team_scoped=True),
    "cases.export": allow(*MANAGERS, team_scoped=True),
    "cases.add_note": allow(*CASEWORKERS, team_scoped=True),
    "cases.new_referral": allow(*CASEWORKERS, team_scoped=True),
    "cases.referral": allow(*CASEWORKERS, team_scoped=True),
    "cases.assign": allow(*CASEWORKERS, team_scoped=True),
    "cases.close_referral": allow(*CASEWORKERS, team_scoped=True),
    "cases.reopen_referral": allow(*CASEWORKERS, team_scoped=True),
    "cases.triage": allow(*CASEWORKERS, team_scoped=True),
    "cases.share": allow(*CASEWORKERS, team_scoped=True),
    "cases.add_hearing": allow(*CASEWORKERS, team_scoped=True),
    "cases.change_hearing": allow(*CASEWORKERS, team_scoped=True),
    "cases.vacate_hearing": allow(*CASEWORKERS, team_scoped=True),
    "cases.add_follow_up": allow(*CASEWORKERS, team_scoped=True),
    "cases.complete_follow_up": allow(*CASEWORKERS, team_scoped=True),
    "cases.change_follow_up": allow(*CASEWORKERS, team_scoped=True),
    "cases.record_needs": allow(*CASEWORKERS, team_scoped=True),
    "cases.needs_assessment": allow(*CASEWORKERS, team_scoped=True),
    "cases.note": allow(*CASEWORKERS, team_scoped=True),
    "cases.note_history": allow(*CASEWORKERS, team_scoped=True),
    # A note is amended by its author or a manager of its team.
    "cases.amend_note": allow(*CASEWORKERS, team_scoped=True,
                              own_records_only=("practitioner", "coordinator")),
    # Court letters: templates are shared by every team; letters belong to a referral's team.
    "letters.index": allow(*CASEWORKERS),
    "letters.new": allow(*CASEWORKERS, team_scoped=True),
    "letters.document": allow(*CASEWORKERS, team_scoped=True),
    "letters.download": allow(*CASEWORKERS, team_scoped=True),
    "letters.download_pdf": allow(*CASEWORKERS, team_scoped=True),
    "letters.catalogue_page": allow(*MANAGERS),
    "letters.templates": allow(*MANAGERS),
    "letters.new_template": allow(*MANAGERS),
    "letters.template": allow(*MANAGERS),
    "letters.set_active": allow(*MANAGERS),
    "letters.download_version": allow(*MANAGERS),
    "letters.preview_version": allow(*MANAGERS),
    "letters.court_list_page": allow(*MANAGERS),
    "letters.batch": allow(*MANAGERS, team_scoped=True),
    "letters.download_batch": allow(*MANAGERS, team_scoped=True),
    "letters.service_referral_letter": allow(*CASEWORKERS, team_scoped=True),
    # Guide library: guides and sheets for everyone; training sessions belong to a team;
    # share links are opened by people without an account.
    "library.index": SIGNED_IN,
    "library.guide": SIGNED_IN,
    "library.sheet": SIGNED_IN,
    "library.download": SIGNED_IN,
    "library.thumbnail": SIGNED_IN,
    "library.new_guide": allow("trainer", "manager"),
    "library.edit_guide": allow("trainer", "manager"),
    "library.new_version": allow("trainer", "manager"),
    "library.publish_version": allow("trainer", "manager"),
    "library.share_version": allow("trainer", "manager"),
    "library.new_sheet": allow("trainer", "manager"),
    "library.edit_sheet": allow("trainer", "manager"),
    "library.sessions": allow("trainer", "manager"),
    "library.new_session": allow("trainer", "manager"),
    "library.session": allow("trainer", "manager", team_scoped=True),
    "library.edit_session": allow("trainer", "manager", team_scoped=True),
    "library.add_attendee": allow("trainer", "manager", team_scoped=True),
    "library.mark_attended": allow("trainer", "manager", team_scoped=True),
    "library.remove_attendee": allow("trainer", "manager", team_scoped=True),
    "library.export_register": allow("trainer", "manager", team_scoped=True),
    "library.import_register": allow("trainer", "manager", team_scoped=True),
    "library.share_session": allow("trainer", "manager", team_scoped=True),
    "library.certificate": allow("trainer", "manager", team_scoped=True),
    "library.all_certificates": allow("trainer", "manager", team_scoped=True),
    "library.share_links": allow("trainer", "manager"),
    "library.revoke_link": allow("trainer", "manager", team_scoped=True),
    "library.shared": PUBLIC,
    "library.shared_download": PUBLIC,
    "library.shared_feedback": PUBLIC,
    # Service directory: services are shared by every team; referrals to them are not.
    "directory.index": allow(*CASEWORKERS, "trainer"),
    "directory.detail": allow(*CASEWORKERS, "trainer"),
    "directory.new": allow("coordinator", "manager"),
    "directory.edit": allow("coordinator", "manager"),
    "directory.archive": allow("coordinator", "manager"),
    "directory.verify": allow("coordinator", "manager"),
    "directory.export_csv": allow("coordinator", "manager"),
    "directory.export_json": allow("coordinator", "manager"),
    "directory.import_file": allow("coordinator", "manager"),
    # Mapping imported taxonomy terms onto Pathways' categories (shared by every team).
    "directory.terms": allow("coordinator", "manager"),
    # An import preview is seen only by whoever uploaded the file.
    "directory.import_preview": allow("coordinator", "manager", maker_only=True),
    "directory.refer": allow(*CASEWORKERS, team_scoped=True),
    "directory.referral_services": allow(*CASEWORKERS, team_scoped=True),
    "directory.service_referral": allow(*CASEWORKERS, team_scoped=True),
    # Women's pathways and housing placements.
    "pathways.index": allow(*CASEWORKERS),
    "pathways.caseload": allow(*CASEWORKERS),
    "pathways.enrol_start": allow(*CASEWORKERS),
    "pathways.enrol": allow(*CASEWORKERS, team_scoped=True),
    "pathways.enrolment": allow(*CASEWORKERS, team_scoped=True),
    "pathways.add_driver": allow(*CASEWORKERS, team_scoped=True),
    "pathways.remove_driver": allow(*CASEWORKERS, team_scoped=True),
    "pathways.add_goal": allow(*CASEWORKERS, team_scoped=True),
    "pathways.goal_status": allow(*CASEWORKERS, team_scoped=True),
    "pathways.add_link": allow(*CASEWORKERS, team_scoped=True),
    "pathways.add_session": allow(*CASEWORKERS, team_scoped=True),
    "pathways.session": allow(*CASEWORKERS, team_scoped=True),
    "pathways.roadmap": allow(*CASEWORKERS, team_scoped=True),
    "pathways.roadmap_docx": allow(*CASEWORKERS, team_scoped=True),
    "pathways.discharge": allow(*CASEWORKERS, team_scoped=True),
    "pathways.programmes": allow("admin", "manager"),
    "pathways.new_programme": allow("admin", "manager"),
    "pathways.edit_programme": allow("admin", "manager"),
    "pathways.board": allow("coordinator", "manager"),
    "pathways.figures": allow("coordinator", "manager"),
    "pathways.add_waiting": allow("coordinator", "manager"),
    "pathways.new_property": allow("coordinator", "manager"),
    "pathways.waiting_from_referral": allow("coordinator", "manager", team_scoped=True),
    "pathways.withdraw": allow("coordinator", "manager", team_scoped=True),
    "pathways.unit": allow("coordinator", "manager", team_scoped=True),
    "pathways.offer": allow("coordinator", "manager", team_scoped=True),
    "pathways.end_offer": allow("coordinator", "manager", team_scoped=True),
    "pathways.move_in": allow("coordinator", "manager", team_scoped=True),
    "pathways.move_on": allow("coordinator", "manager", team_scoped=True),
    "pathways.void": allow("coordinator", "manager", team_scoped=True),
    # Records retention: managers of the team holding the referral.
    "security.review": allow(*MANAGERS),
    "security.destroy": allow(*MANAGERS, team_scoped=True),
}


def rule_for(endpoint: str) -> Rule | None:
    """The declared rule for `endpoint`, or None when it has none (which the tests refuse)."""
    return POLICY.get(endpoint)
