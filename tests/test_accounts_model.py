"""The per-request user lookup returns exactly what the ordinary query returns."""
from models.accounts import User
from tests.factories import make_team, make_user


def test_session_lookup_loads_the_user_and_their_teams_in_one_go(app):
    zeta, alpha = make_team("Zeta court"), make_team("alpha custody")
    user = make_user("manager", [zeta, alpha])
    loaded = User.for_session(user.alt_id)
    plain = User.get_by_id(user.id)
    for field in User._meta.sorted_field_names:
        assert getattr(loaded, field) == getattr(plain, field), field
    assert [t.name for t in loaded.teams()] == ["alpha custody", "Zeta court"]
    assert loaded.is_dirty() is False


def test_session_lookup_refuses_unknown_keys_and_inactive_users(app):
    user = make_user("practitioner")
    assert User.for_session("not-a-key") is None
    assert User.for_session(user.alt_id).teams() == []
    User.update(active=False).where(User.id == user.id).execute()
    assert User.for_session(user.alt_id) is None
