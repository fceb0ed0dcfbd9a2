"""Generated data for benchmarks (fictional, made with Faker). Each part adds a generator
to GENERATORS; each takes (ctx, scale) and returns nothing."""
from __future__ import annotations

from faker import Faker

from models.accounts import Membership, Team, User
from models.base import db, writing

BENCH_PASSWORD = "bench password 2026"
GENERATORS = []


class BenchContext:
    def __init__(self, seed: int = 7):
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.teams: list[Team] = []
        self.users: dict[str, User] = {}


def generate_accounts(ctx: BenchContext, scale: int) -> None:
    """20 teams and one user per role in the first team (plus 5 practitioners a team)."""
    from argon2 import PasswordHasher
    password_hash = PasswordHasher(time_cost=1, memory_cost=1024).hash(BENCH_PASSWORD)
    sites = ["magistrates_court", "custody_suite", "crown_court", "probation_office", "prison",
             "community"]
    with writing():
        for n in range(20):
            ctx.teams.append(Team.create(name=f"Bench team {n + 1}", site_type=sites[n % 6]))
        for role in ("practitioner", "coordinator", "trainer", "manager", "admin"):
            user = User.create(name=ctx.fake.name(), email=f"{role}@bench.example", role=role,
                               password_hash=password_hash)
            if role != "admin":
                Membership.create(user=user, team=ctx.teams[0])
            ctx.users[role] = user
        rows = []
        for team in ctx.teams:
            for k in range(5):
                rows.append({"name": ctx.fake.name(), "email": f"p{team.id}-{k}@bench.example",
                             "role": "practitioner", "password_hash": password_hash})
        User.insert_many(rows).execute()


GENERATORS.append(generate_accounts)

from bench.library import generate_library  # noqa: E402  (after the accounts it needs)

GENERATORS.append(generate_library)


def generate_letters(ctx: BenchContext, scale: int) -> None:
    """The standard letter templates (letter rendering itself: bench/letters_render.py)."""
    from blueprints.letters.defaults import install_defaults
    install_defaults()


GENERATORS.append(generate_letters)


def generate(scale: int) -> BenchContext:
    ctx = BenchContext()
    with db.connection_context():
        for generator in GENERATORS:
            generator(ctx, scale)
    return ctx
