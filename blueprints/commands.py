"""Command-line commands: `flask --app app <command>`."""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from models.base import db, writing

db_cli = AppGroup("db", help="Database schema migrations.")
audit_cli = AppGroup("audit", help="The audit trail.")

# Each part's demo data, in dependency order. A module exposes seed_demo(demo), where demo
# is a DemoContext; it must be idempotent (running seed-demo twice adds nothing).
DEMO_PARTS = [
    "blueprints.admin.demo",
    "blueprints.cases.demo",
    "blueprints.directory.demo",
    "blueprints.letters.demo",
    "blueprints.library.demo",
    "blueprints.pathways.demo",
    "blueprints.dashboard.demo",  # after every part that adds people (it adds a history)
]


@db_cli.command("upgrade")
def db_upgrade():
    """Apply every pending schema migration."""
    from models.schema import upgrade
    with db.connection_context():
        applied = upgrade(db.obj)
    click.echo(f"Applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))


@db_cli.command("status")
def db_status():
    """List migrations not yet applied."""
    from models.schema import pending
    with db.connection_context():
        todo = pending(db.obj)
    click.echo("Up to date" if not todo else "Pending: " + ", ".join(todo))


@db_cli.command("new")
@click.argument("name")
@click.option("--number", type=int, required=True,
              help="Migration number from your part's range (see models/schema.py)")
def db_new(name, number):
    """Write a migration for model changes not yet migrated (review it before committing)."""
    import tempfile

    from peewee import SqliteDatabase

    from models import ALL_MODELS
    from models.schema import new_migration
    with tempfile.TemporaryDirectory() as tmp:
        scratch = SqliteDatabase(f"{tmp}/scratch.db")  # an empty database to diff against
        made = new_migration(scratch, ALL_MODELS, name, number)
    click.echo(f"Wrote migrations/{made}" if made else "No model changes to migrate")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", default=None, help="Full name (defaults to the email's first part)")
@click.option("--role", type=click.Choice(["practitioner", "coordinator", "trainer", "manager",
                                           "admin"]), required=True)
@click.option("--team", "teams", multiple=True, help="Team name (repeat for several)")
@click.password_option(help="Password (asked for when not given)")
@with_appcontext
def create_user(email, name, role, teams, password):
    """Create a user (for example the first administrator)."""
    from models.accounts import Membership, Team, User

    from .audit import audit
    from .auth.passwords import hash_password, password_problem

    problem = password_problem(password, email)
    if problem:
        raise click.UsageError(problem)
    with db.connection_context():
        if User.by_email(email):
            raise click.UsageError(f"A user with email {email} already exists")
        team_rows = []
        for team_name in teams:
            team = Team.get_or_none(Team.name == team_name)
            if team is None:
                raise click.UsageError(f"No team called {team_name!r}")
            team_rows.append(team)
        with writing():
            user = User.create(name=name or email.split("@")[0], email=User.normalise_email(email),
                               role=role, password_hash=hash_password(password))
            for team in team_rows:
                Membership.create(user=user, team=team)
            audit("admin.user_created", object_type="user", object_id=user.id,
                  detail=f"role={role} (command line)")
    click.echo(f"Created {role} {user.email}")


class DemoContext:
    """What demo seeders share: fake-data maker, teams and users by key, printed logins."""

    def __init__(self, seed: int = 2026):
        from faker import Faker
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.teams: dict = {}
        self.users: dict = {}
        self.logins: list[tuple[str, str, str]] = []  # (role, email, password) made this run


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Add fictional demo data (idempotent) and print any new demo logins."""
    demo = DemoContext()
    with db.connection_context():
        for module_name in DEMO_PARTS:
            importlib.import_module(module_name).seed_demo(demo)
    logins_file = Path(current_app.instance_path) / "demo-logins.txt"
    if demo.logins:
        lines = [f"{role:<13} {email:<36} {password}" for role, email, password in demo.logins]
        old = os.umask(0o077)
        try:
            with open(logins_file, "a", encoding="utf-8") as fh:
                fh.write("\n".join(lines) + "\n")
        finally:
            os.umask(old)
    click.echo("Demo data is in place.")
    if logins_file.exists():
        click.echo(f"\nDemo logins (also in {logins_file}):\n")
        click.echo(logins_file.read_text(encoding="utf-8"))


@audit_cli.command("verify")
def audit_verify():
    """Check the audit chain; exit 1 and name the first broken row if it was tampered with."""
    from models.audit import AuditEvent
    with db.connection_context():
        checked, broken, why = AuditEvent.verify_chain()
    if broken is None:
        click.echo(f"Audit chain intact: {checked} event(s) verified.")
        return
    click.echo(f"Audit chain broken at event {broken}: {why} ({checked} event(s) before it "
               "verified).", err=True)
    sys.exit(1)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Take a consistent online backup to PATH (and PATH.manifest.json), while Pathways runs."""
    from models.backup import BackupError, backup
    try:
        manifest = backup(db.obj, current_app.config["DATABASE_URL"], Path(path))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"Backed up {len(manifest['tables'])} tables ({rows} rows) to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Overwrite a database that already holds data (default: refuse).")
@with_appcontext
def restore_command(path, replace):
    """Restore the backup at PATH into this instance's database and check every table."""
    from models.backup import BackupError, restore
    try:
        result = restore(db.obj, current_app.config["DATABASE_URL"], Path(path), replace)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {result['tables']} tables ({result['rows']} rows); row counts and "
               "checksums match the backup's manifest.")


def register_commands(app) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(db_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
