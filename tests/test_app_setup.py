"""The app factory, health check and command-line commands."""
import pytest

from app import DEV_SECRET, create_app
from models.accounts import Team, User


def test_production_refuses_the_default_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path}/x.db"
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"PATHWAYS_ENV": "production", "DATABASE_URL": url})
    with pytest.raises(RuntimeError):
        create_app({"PATHWAYS_ENV": "production", "SECRET_KEY": "short", "DATABASE_URL": url})
    app = create_app({"PATHWAYS_ENV": "production", "SECRET_KEY": "k" * 40, "DATABASE_URL": url})
    assert app.config["SECRET_KEY"] != DEV_SECRET


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_health_check_fails_when_the_database_is_unreachable(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir/x.db"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable"}


def test_create_user_command(app):
    Team.create(name="Court Team", site_type="magistrates_court")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "First.Admin@Charity.example",
                                 "--role", "admin", "--password", "a long admin passphrase"])
    assert result.exit_code == 0, result.output
    assert User.get(User.email == "first.admin@charity.example").role == "admin"
    again = runner.invoke(args=["create-user", "--email", "first.admin@charity.example",
                                "--role", "admin", "--password", "a long admin passphrase"])
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["create-user", "--email", "p@charity.example", "--role",
                                "practitioner", "--team", "Court Team", "--password", "short"])
    assert short.exit_code != 0 and "at least 10" in short.output
    missing = runner.invoke(args=["create-user", "--email", "q@charity.example", "--role",
                                  "practitioner", "--team", "No Such Team", "--password",
                                  "a long passphrase"])
    assert missing.exit_code != 0 and "No team called" in missing.output


def test_seed_demo_is_idempotent_and_prints_logins_once_made(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = (User.select().count(), Team.select().count())
    assert counts[0] >= 5 and counts[1] >= 5
    assert "admin@pathways.example" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert (User.select().count(), Team.select().count()) == counts
    roles = {u.role for u in User.select()}
    assert roles == {"practitioner", "coordinator", "trainer", "manager", "admin"}


def test_db_upgrade_command_reports_nothing_to_do(app):
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "Applied 0 migration(s)" in result.output
