"""Demo teams and one demo user per role (fictional; passwords printed once)."""
from __future__ import annotations

import secrets

from models.accounts import Membership, Team, User
from models.base import writing

from ..auth.passwords import hash_password

DEMO_TEAMS = {
    "magistrates": ("Highbury Corner Magistrates' Court Liaison and Diversion", "magistrates_court"),
    "custody": ("Islington Police Custody Liaison and Diversion", "custody_suite"),
    "crown": ("Snaresbrook Crown Court Liaison", "crown_court"),
    "probation": ("Hackney Probation Forensic Mental Health", "probation_office"),
    "women": ("Women's Court Liaison and Outreach", "community"),
    "training": ("Training Team", "community"),
}

# key: (role, email, teams)
DEMO_USERS = {
    "practitioner": ("practitioner", "practitioner@pathways.example", ["magistrates", "custody"]),
    "coordinator": ("coordinator", "coordinator@pathways.example", ["women"]),
    "trainer": ("trainer", "trainer@pathways.example", ["training"]),
    "manager": ("manager", "manager@pathways.example",
                ["magistrates", "custody", "crown", "women"]),
    "admin": ("admin", "admin@pathways.example", []),
    "probation": ("practitioner", "probation@pathways.example", ["probation"]),
}


def demo_password() -> str:
    return "-".join(secrets.token_urlsafe(4) for _ in range(3))


def seed_demo(demo) -> None:
    """Teams and users; existing ones (by name or email) are left as they are."""
    with writing():
        for key, (name, site_type) in DEMO_TEAMS.items():
            team = Team.get_or_none(Team.name == name)
            demo.teams[key] = team or Team.create(name=name, site_type=site_type)
        for key, (role, email, team_keys) in DEMO_USERS.items():
            user = User.by_email(email)
            if user is None:
                password = demo_password()
                user = User.create(name=demo.fake.name(), email=email, role=role,
                                   password_hash=hash_password(password))
                for team_key in team_keys:
                    Membership.create(user=user, team=demo.teams[team_key])
                demo.logins.append((role, email, password))
            demo.users[key] = user
