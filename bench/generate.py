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

from bench.pathways_data import generate_pathways  # noqa: E402 (after the accounts it uses)

GENERATORS.append(generate_pathways)


def generate_directory(ctx: BenchContext, scale: int) -> None:
    """5,000 fictional services per unit of scale, across categories and boroughs."""
    import random

    from blueprints.directory.demo import build_services
    with writing():
        build_services(ctx.fake, 5000 * scale, key="bench", rng=random.Random(7))


GENERATORS.append(generate_directory)


def generate_case_work(ctx: BenchContext, scale: int) -> None:
    """People, referrals, notes, needs, follow-ups (see bench/case_data.py)."""
    from bench.case_data import generate_case_work as generate
    generate(ctx, scale)


GENERATORS.append(generate_case_work)


def generate_referrals(ctx: BenchContext, scale: int) -> None:
    """People, referrals and today's court list (see bench/referral_data.py)."""
    from bench.referral_data import generate_referrals as generate
    generate(ctx, scale)


GENERATORS.append(generate_referrals)
def generate_retention(ctx: BenchContext, scale: int) -> None:
    """2000 people with a referral each (x scale) over the 20 teams; a third closed more
    than six years ago (the retention review list), a third closed recently, a third open."""
    import datetime as dt

    from models.base import utcnow
    from models.people import Person, Referral
    now = utcnow()
    with writing():
        for batch in range(2 * scale):
            people = [{"given_name": ctx.fake.first_name(), "family_name": ctx.fake.last_name()}
                      for _ in range(1000)]
            Person.insert_many(people).execute()
            ids = [p.id for p in Person.select(Person.id).order_by(Person.id.desc()).limit(1000)]
            rows = []
            for k, person_id in enumerate(sorted(ids)):
                team = ctx.teams[k % len(ctx.teams)]
                kind = k % 3
                closed = (now - dt.timedelta(days=365 * 7 + k) if kind == 0
                          else now - dt.timedelta(days=30 + k % 300) if kind == 1 else None)
                rows.append({"person": person_id, "team": team.id, "source": "magistrates_court",
                             "screening_route": "reactive", "reason": "Bench referral",
                             "status": "closed" if closed else "open",
                             "outcome": "diverted" if closed else None, "closed_at": closed,
                             "received_at": (closed or now) - dt.timedelta(days=60)})
            Referral.insert_many(rows).execute()


GENERATORS.append(generate_retention)


def generate(scale: int, case_scale: int | None = None) -> BenchContext:
    """Every part's data at `scale`; case work's (people, referrals, notes) at `case_scale`
    when given (bench/case_growth.py: 1M notes beside everything else at its usual size)."""
    ctx = BenchContext()
    with db.connection_context():
        for generator in GENERATORS:
            size = case_scale if generator is generate_case_work and case_scale else scale
            generator(ctx, size)
    return ctx
