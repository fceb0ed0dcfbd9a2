"""Demo directory: about 60 fictional London services across the categories and boroughs,
some not verified for over a year. Also used (bigger) by the benchmark generator."""
from __future__ import annotations

import datetime as dt
import random

from models.base import writing
from models.directory import (CATEGORIES, LONDON_BOROUGHS, Address, Location, Organization,
                              Phone, Service, ServiceArea, ServiceAtLocation, ServiceTerm,
                              TaxonomyTerm, ensure_pathways_taxonomies, pathways_uuid)

# category slug -> (service name patterns, what it offers)
OFFERS = {
    "housing": (["{area} Housing Advice", "{area} Supported Housing", "{area} Move-On Project"],
                "Advice on homelessness, help with applications and supported accommodation "
                "for people leaving custody or at risk of losing their home."),
    "substance-misuse": (["{area} Recovery Hub", "{area} Drug and Alcohol Service"],
                         "Drug and alcohol assessment, treatment, needle exchange and recovery "
                         "groups; same-week appointments for people referred from court."),
    "debt-money": (["{area} Money Advice", "{area} Debt Clinic"],
                   "Free, confidential debt advice, budgeting help and support with fines, "
                   "rent arrears and priority debts."),
    "domestic-abuse": (["{area} Domestic Abuse Service", "{area} IDVA Service"],
                       "Independent advocacy, safety planning and refuge referrals for people "
                       "experiencing domestic abuse."),
    "womens-centres": (["{area} Women's Centre", "{area} Women's Hub"],
                       "A women-only space: key work, counselling, groups and practical "
                       "support for women in contact with the justice system."),
    "community-mental-health": (["{area} Community Mental Health Team", "{area} Wellbeing Hub"],
                                "Assessment and care coordination for adults with mental "
                                "health needs; talking therapies and peer support."),
    "psychiatric-liaison": (["{area} Psychiatric Liaison"],
                            "Psychiatric assessment and advice for people in police custody "
                            "and at court."),
    "gp-primary-care": (["{area} Health Centre", "{area} Homeless Health Practice"],
                        "GP registration without proof of address, health checks and "
                        "prescriptions."),
    "learning-disability": (["{area} Learning Disability Team"],
                            "Assessment and support for adults with a learning disability, "
                            "including easy-read information and appropriate adults."),
    "employment-education": (["{area} Employment Support", "{area} Skills and Training"],
                             "Help with CVs, disclosure of convictions, training and work "
                             "placements."),
    "family-children": (["{area} Family Support", "{area} Parenting Service"],
                        "Support for parents and carers, contact with children and family "
                        "mediation."),
    "legal-advice": (["{area} Law Centre", "{area} Legal Advice Clinic"],
                     "Free legal advice on housing, immigration, benefits and community care."),
    "benefits": (["{area} Benefits Advice", "{area} Welfare Rights"],
                 "Help claiming Universal Credit and disability benefits, and with appeals."),
}
LANGUAGES = ["English", "Somali", "Bengali", "Turkish", "Polish", "Portuguese", "Arabic",
             "Urdu", "Yoruba", "Twi", "Romanian", "Spanish"]
CHARITY_WORDS = ["Trust", "Foundation", "Project", "Network", "Partnership", "Collective"]


def build_services(fake, count: int, *, key: str = "demo", today: dt.date | None = None,
                   rng: random.Random | None = None) -> int:
    """Add `count` fictional services (identified by `key`, so running again adds
    nothing); return how many were added."""
    today = today or dt.date.today()
    rng = rng or random.Random(2026)
    ensure_pathways_taxonomies()
    categories = {t.code: t for t in TaxonomyTerm.categories()}
    slugs = [slug for slug, _ in CATEGORIES]
    first = pathways_uuid(key, "service", 0)
    if Service.get_or_none(Service.uuid == first) is not None:
        return 0
    organizations: list[Organization] = []
    for n in range(max(4, count // 3)):
        organizations.append(Organization.create(
            uuid=pathways_uuid(key, "organization", n),
            name=f"{fake.last_name()} {rng.choice(CHARITY_WORDS)}",
            description="A fictional London charity (demo data).",
            email=f"info{n}@{key}.example", website=f"https://{key}.example/org{n}"))
    for n in range(count):
        slug = slugs[n % len(slugs)]
        area = LONDON_BOROUGHS[(n * 7) % len(LONDON_BOROUGHS)]
        patterns, offer = OFFERS[slug]
        name = rng.choice(patterns).format(area=area)
        if n >= len(slugs) * 2:
            name = f"{name} {n}"
        women = slug in ("womens-centres",) or (slug == "domestic-abuse" and n % 2 == 0)
        stale = n % 5 == 0
        verified = today - dt.timedelta(days=rng.randint(400, 900) if stale
                                        else rng.randint(3, 300))
        service = Service.create(
            uuid=pathways_uuid(key, "service", n), organization=rng.choice(organizations),
            name=name, description=offer, women_only=women,
            probation_only=slug == "employment-education" and n % 3 == 0,
            self_referral=n % 3 != 1, minimum_age=18 if n % 4 else None,
            referral_methods=",".join(rng.sample(["phone", "email", "form", "letter"], 2)),
            how_to_refer="Phone or email the duty worker with the person's consent; say "
                         "they were referred by the liaison and diversion team.",
            email=f"referrals{n}@{key}.example", url=f"https://{key}.example/service{n}",
            languages=", ".join(["English"] + rng.sample(LANGUAGES[1:], 2)),
            opening_hours="Monday to Friday, 9:30 to 17:00",
            accessibility="Step-free access; hearing loop at reception.",
            verified_on=verified, search_text="")
        terms = [categories[slug]]
        if slug == "womens-centres":
            terms.append(categories["domestic-abuse"])
        for term in terms:
            ServiceTerm.create(uuid=pathways_uuid(key, "link", n, term.code), service=service,
                               term=term, link_type="category")
        boroughs = {area, LONDON_BOROUGHS[(n * 7 + 1) % len(LONDON_BOROUGHS)]}
        for borough in sorted(boroughs):
            ServiceArea.create(uuid=pathways_uuid(key, "area", n, borough), service=service,
                               name=borough, service_area=borough, borough=borough)
        Phone.create(uuid=pathways_uuid(key, "phone", n), service=service,
                     number=f"020 7946 {n % 10000:04d}", description="Referrals")
        location = Location.create(uuid=pathways_uuid(key, "location", n), name=name,
                                   location_type="physical")
        Address.create(uuid=pathways_uuid(key, "address", n), location=location,
                       address_1=fake.street_address().replace("\n", ", "), city="London",
                       postal_code=fake.postcode(), country="GB")
        ServiceAtLocation.create(uuid=pathways_uuid(key, "at", n), service=service,
                                 location=location)
        service.refresh_search_text()
        service.save(only=[Service.search_text])
    return count


def seed_demo(demo) -> None:
    """About 60 fictional London services (idempotent)."""
    with writing():
        build_services(demo.fake, 60)
