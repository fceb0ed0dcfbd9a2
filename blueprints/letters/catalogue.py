"""The field catalogue: every value a letter template may use, in one place.

Template authors (managers) see it as a page; upload validation checks each placeholder of
a template against it; `sample_context()` (the examples) feeds previews and trial renders;
`context_for(referral, free_text)` fills it from a real case.

A field is a dotted name (`person.first_name`), a top-level value (`today`) or a list
(`needs`) whose rows have their own fields (`needs[].domain`). Templates loop over lists:
`{%tr for need in needs %}{{ need.domain }}…{%tr endfor %}`.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field


@dataclass(frozen=True)
class Field:
    name: str
    description: str
    example: object = ""
    # For a list: the fields of one row (empty for a list of plain text lines).
    row: tuple["Field", ...] = ()
    is_list: bool = False


@dataclass(frozen=True)
class Group:
    """A top-level name: either an object with fields, a list, or a single value."""
    name: str
    title: str
    description: str
    fields: tuple[Field, ...] = ()
    is_list: bool = False
    example: object = ""
    # Free text typed by the practitioner when writing the letter (not taken from the case).
    free_text: bool = False
    extra: dict = dc_field(default_factory=dict)

    @property
    def is_object(self) -> bool:
        return bool(self.fields) and not self.is_list


def _f(name, description, example=""):
    return Field(name, description, example)


CATALOGUE: tuple[Group, ...] = (
    Group("person", "The person", "The person the letter is about.", fields=(
        _f("full_name", "First and last name", "Jordan Amadi"),
        _f("first_name", "First name", "Jordan"),
        _f("last_name", "Last name", "Amadi"),
        _f("preferred_name", "Name the person prefers to be called (blank if none)", "Jo"),
        _f("date_of_birth", "Date of birth, e.g. 4 May 1991", "4 May 1991"),
        _f("age", "Age in years today", "35"),
        _f("gender", "Gender", "Female"),
        _f("ethnicity", "Ethnic group (ONS 2021 categories)", "Black, Black British, Caribbean or African: African"),
        _f("nhs_number", "NHS number, spaced 3-3-4", "943 476 5919"),
        _f("pnc_id", "Police National Computer id", "2019/0123456E"),
        _f("address", "Postal address on one line", "12 Canal Street, London N1 7AB"),
        _f("phone", "Contact telephone number", "07700 900123"),
        _f("housing_status", "Housing situation", "No fixed abode"),
        _f("communication_needs", "Communication needs (interpreter, easy read…)", "Prefers short sentences; dyslexia"),
        _f("gp_practice", "GP practice, if recorded", "Market Street Surgery"),
        _f("consent_to_share", "Whether the person agreed to share information", "Given"),
    )),
    Group("referral", "The referral", "This contact with the justice system.", fields=(
        _f("reference", "Pathways referral number", "R-1042"),
        _f("source", "Who referred (police custody, magistrates' court…)", "Magistrates' court"),
        _f("screening_route", "How the person came to us", "Proactive screening of the court list"),
        _f("opened_on", "Date the referral was opened", "23 November 2026"),
        _f("status", "Open or closed", "Open"),
        _f("outcome", "Outcome, when recorded (diverted, bail with support, MHTR…)", "Bail with support"),
        _f("offence", "Alleged offence or charge, as recorded", "Theft from a shop"),
    )),
    Group("hearing", "The hearing", "The next (or today's) hearing on the referral; blank when none.", fields=(
        _f("date", "Hearing date", "23 November 2026"),
        _f("time", "Hearing time (24-hour)", "10:00"),
        _f("court", "Court name", "Highbury Corner Magistrates' Court"),
        _f("courtroom", "Courtroom", "Court 3"),
        _f("kind", "Type of hearing (first appearance, sentence…)", "First appearance"),
    )),
    Group("needs", "Needs", "The needs assessment: one row per vulnerability domain assessed.",
          is_list=True, fields=(
              _f("domain", "Vulnerability domain", "Mental health"),
              _f("level", "Level of need", "High"),
              _f("note", "What was found", "Low mood for 6 months; not in contact with services"),
          ),
          example=[
              {"domain": "Mental health", "level": "High",
               "note": "Low mood for 6 months; not in contact with services"},
              {"domain": "Housing", "level": "High", "note": "Sleeping at a friend's flat"},
              {"domain": "Substance misuse", "level": "Medium",
               "note": "Alcohol most days; wants help"},
          ]),
    Group("assessment", "Assessment", "The latest health and wellbeing assessment.", fields=(
        _f("date", "Date of the assessment", "23 November 2026"),
        _f("by", "Practitioner who assessed", "Sam Okafor"),
        _f("summary", "The assessment's own summary", "Engaged well; agrees to support."),
    )),
    Group("summary", "Summary (typed when writing)",
          "What the practitioner writes for this letter: the summary of assessment and findings. "
          "Prefilled from the latest assessment.", free_text=True,
          example="Jordan was seen in the cells this morning and engaged well. They describe "
                  "low mood over six months and have no settled address."),
    Group("recommendations", "Recommendations (typed when writing)",
          "One recommendation per line, shown as a list. Prefilled from the latest notes.",
          is_list=True, free_text=True,
          example=["Bail with support from the liaison and diversion team",
                   "Referral to the community mental health team",
                   "Housing advice appointment this week"]),
    Group("other", "Other information (typed when writing)",
          "Anything else for this letter (blank when not needed).", free_text=True,
          example="Jordan has asked that their sister is told of the outcome."),
    Group("recipient", "Recipient (typed when writing)",
          "Who the letter is to: name and address, one line each.", free_text=True,
          example="Dr A Patel\nMarket Street Surgery\n1 Market Street\nLondon N1 2AA"),
    Group("practitioner", "Practitioner", "The person writing the letter (the signed-in user).",
          fields=(
              _f("name", "Full name", "Sam Okafor"),
              _f("role", "Role", "Practitioner"),
              _f("email", "Work email address", "sam.okafor@pathways.example"),
          )),
    Group("team", "Team", "The team that holds the referral.", fields=(
        _f("name", "Team name", "Highbury Corner Magistrates' Court Liaison and Diversion"),
        _f("site", "Where the team works", "Magistrates' court"),
    )),
    Group("service_referrals", "Service referrals",
          "Referrals to directory services made on this case.", is_list=True, fields=(
              _f("service", "Service name", "Islington Community Mental Health Team"),
              _f("organisation", "Organisation", "Whittington Health"),
              _f("referred_on", "Date referred", "23 November 2026"),
              _f("status", "Where it has got to", "Referred"),
          ),
          example=[{"service": "Islington Community Mental Health Team",
                    "organisation": "Whittington Health", "referred_on": "23 November 2026",
                    "status": "Referred"},
                   {"service": "Housing advice drop-in", "organisation": "Shelter",
                    "referred_on": "23 November 2026", "status": "Appointment booked"}]),
    Group("roadmap", "Discharge roadmap", "A pathway's ending: used by the discharge roadmap.",
          fields=(
              _f("pathway", "Pathway programme", "Specified Activity Requirement"),
              _f("started_on", "Date the pathway started", "1 September 2026"),
              _f("ended_on", "Date it ended", "23 November 2026"),
              _f("sessions_attended", "Sessions attended", "7"),
              _f("sessions_planned", "Sessions planned", "8"),
              Field("goals", "Goals with progress and next step (a list)", row=(
                  _f("goal", "The goal", "Stable housing"),
                  _f("progress", "Progress made", "On the housing register"),
                  _f("next_step", "What happens next", "Bid weekly for a flat"),
              ), is_list=True, example=[
                  {"goal": "Stable housing", "progress": "On the housing register",
                   "next_step": "Bid weekly for a flat"},
                  {"goal": "Cut down drinking", "progress": "Three dry days a week",
                   "next_step": "Keep appointments with the alcohol service"}]),
              Field("contacts", "People to contact after discharge (a list)", row=(
                  _f("name", "Name or service", "Women's Centre drop-in"),
                  _f("phone", "Telephone", "020 7946 0000"),
                  _f("when", "When to use it", "Tuesdays 10:00-14:00"),
              ), is_list=True, example=[
                  {"name": "Women's Centre drop-in", "phone": "020 7946 0000",
                   "when": "Tuesdays 10:00-14:00"}]),
          )),
    Group("certificate", "Certificate of attendance",
          "Used by the certificate of attendance (pathway sessions or training).", fields=(
              _f("attendee", "Name of the person who attended", "Jordan Amadi"),
              _f("title", "What they attended", "Understanding mental health in court"),
              _f("date", "Date (or dates) attended", "23 November 2026"),
              _f("duration", "Length", "3 hours"),
              _f("delivered_by", "Who delivered it", "Sam Okafor, Training Team"),
          )),
    Group("today", "Today's date", "The date the letter is written, e.g. 23 November 2026.",
          example="23 November 2026"),
)

BY_NAME: dict[str, Group] = {group.name: group for group in CATALOGUE}


def known_names() -> list[str]:
    """Every name a template may use, dotted (for 'did you mean' suggestions)."""
    names = []
    for group in CATALOGUE:
        names.append(group.name)
        for f in group.fields:
            names.append(f"{group.name}.{f.name}")
            for sub in f.row:
                names.append(f"{group.name}.{f.name}.{sub.name}")
    return names


def row_fields(path: str) -> set[str] | None:
    """The fields of one row of the list at `path` ('needs', 'roadmap.goals'), or None when
    `path` is not a list of rows. A list of plain lines gives an empty set."""
    parts = path.split(".")
    group = BY_NAME.get(parts[0])
    if group is None:
        return None
    if len(parts) == 1:
        if not group.is_list:
            return None
        return {f.name for f in group.fields}
    if len(parts) == 2:
        for f in group.fields:
            if f.name == parts[1] and f.is_list:
                return {sub.name for sub in f.row}
    return None


def attributes_of(path: str) -> set[str] | None:
    """The field names under the object at `path` ('person' -> {'first_name', …}); None
    when `path` is a plain value or unknown."""
    parts = path.split(".")
    group = BY_NAME.get(parts[0])
    if group is None:
        return None
    if len(parts) == 1:
        return {f.name for f in group.fields} if group.is_object else None
    return None


def free_text_fields() -> list[Group]:
    """The values typed by the practitioner when writing a letter."""
    return [group for group in CATALOGUE if group.free_text]


def _example(value):
    return list(value) if isinstance(value, list) else value


def sample_context() -> dict:
    """A whole context made of the catalogue's examples (previews and trial renders)."""
    context: dict = {}
    for group in CATALOGUE:
        if group.is_object:
            context[group.name] = {f.name: _example(f.example) for f in group.fields}
        elif group.is_list:
            context[group.name] = _example(group.example)
        else:
            context[group.name] = group.example
    return context


def blank_context() -> dict:
    """Every catalogue name present with an empty value (what a case does not record)."""
    context: dict = {}
    for group in CATALOGUE:
        if group.is_object:
            context[group.name] = {f.name: ([] if f.is_list else "") for f in group.fields}
        elif group.is_list:
            context[group.name] = []
        else:
            context[group.name] = ""
    return context


def complete(context: dict) -> dict:
    """`context` with every catalogue name present: missing ones are blank, so a template
    never shows 'undefined' for what another part does not record."""
    full = blank_context()
    for key, value in (context or {}).items():
        if isinstance(value, dict) and isinstance(full.get(key), dict):
            full[key] = {**full[key], **value}
        else:
            full[key] = value
    return full


# ---------------------------------------------------------------------------------------
# Filling the catalogue from a case

# Other parts add what they record about a referral (needs and the latest assessment from
# case work, service referrals from the directory): each source is f(referral) -> dict of
# catalogue names, merged into the context in the order they were registered.
CONTEXT_SOURCES: list = []


def register_context_source(source) -> None:
    """Add `source(referral) -> dict` to what context_for() gathers (once per function)."""
    if source not in CONTEXT_SOURCES:
        CONTEXT_SOURCES.append(source)


def _date(value) -> str:
    from ..formats import format_date
    return format_date(value) if value else ""


def _today():
    import datetime as dt
    from zoneinfo import ZoneInfo
    return dt.datetime.now(ZoneInfo("Europe/London")).date()


def person_values(person) -> dict:
    """The person.* fields for `person`."""
    from models.people import (COMMUNICATION_NEEDS, CONSENT_SCOPES, ETHNICITIES, GENDERS,
                               HOUSING_STATUSES)
    age = person.age_on(_today())
    needs = [COMMUNICATION_NEEDS.get(k, k) for k in person.communication_need_keys]
    if person.interpreter_needed:
        needs.insert(0, f"Interpreter needed ({person.first_language})")
    return {
        "full_name": person.full_name,
        "first_name": person.given_name,
        "last_name": person.family_name,
        "preferred_name": person.preferred_name or "",
        "date_of_birth": _date(person.date_of_birth),
        "age": "" if age is None else str(age),
        "gender": GENDERS.get(person.gender, "") if person.gender != "not_stated" else "",
        "ethnicity": ETHNICITIES.get(person.ethnicity, "")
        if person.ethnicity != "not_stated" else "",
        "nhs_number": person.nhs_number_display or "",
        "pnc_id": person.pnc_id or "",
        "address": ", ".join(line.strip() for line in (person.address or "").splitlines()
                             if line.strip()),
        "phone": person.phone or "",
        "housing_status": HOUSING_STATUSES.get(person.housing_status, "")
        if person.housing_status != "not_known" else "",
        "communication_needs": "; ".join(needs),
        "gp_practice": person.gp_practice or "",
        "consent_to_share": CONSENT_SCOPES.get(person.consent_scope or "", ""),
    }


def hearing_for(referral, day=None):
    """The hearing a letter is for: today's, else the next one, else the latest."""
    from models.people import Hearing
    day = day or _today()
    listed = (Hearing.referral == referral) & Hearing.listed()  # a vacated one is not "for"
    upcoming = (Hearing.select().where(listed & (Hearing.date >= day))
                .order_by(Hearing.date, Hearing.time).first())
    if upcoming:
        return upcoming
    return Hearing.select().where(listed).order_by(Hearing.date.desc()).first()


def hearing_values(hearing) -> dict:
    if hearing is None:
        return {}
    from ..formats import format_time
    return {"date": _date(hearing.date), "time": format_time(hearing.time),
            "court": hearing.court, "courtroom": hearing.courtroom or "",
            "kind": hearing.purpose_label}


def free_text_values(free_text: dict | None) -> dict:
    """summary / recommendations / other / recipient as typed (recommendations: one a line)."""
    free_text = free_text or {}
    recommendations = free_text.get("recommendations") or ""
    if isinstance(recommendations, str):
        recommendations = [line.strip(" \t-•*") for line in recommendations.splitlines()]
    return {
        "summary": (free_text.get("summary") or "").strip(),
        "recommendations": [r for r in recommendations if r],
        "other": (free_text.get("other") or "").strip(),
        "recipient": (free_text.get("recipient") or "").strip(),
    }


def context_for(referral, free_text: dict | None = None, author=None, hearing=None) -> dict:
    """Every catalogue value for a letter on `referral`, written by `author`."""
    from models.accounts import ROLES
    from models.people import REFERRAL_STATUSES, SCREENING_ROUTES
    person, team = referral.person, referral.team
    context = {
        "person": person_values(person),
        "referral": {
            "reference": f"R-{referral.id}",
            "source": referral.source_label,
            "screening_route": SCREENING_ROUTES.get(referral.screening_route, ""),
            "opened_on": _date(referral.received_at),
            "status": REFERRAL_STATUSES.get(referral.status, ""),
            "outcome": referral.outcome_label,
            "offence": getattr(referral, "offence", "") or "",
        },
        "hearing": hearing_values(hearing or hearing_for(referral)),
        "team": {"name": team.name, "site": team.site_label},
        "today": _date(_today()),
    }
    if author is not None:
        context["practitioner"] = {"name": author.name, "role": ROLES.get(author.role, ""),
                                   "email": author.email}
    for source in CONTEXT_SOURCES:
        for key, value in (source(referral) or {}).items():
            if isinstance(value, dict) and isinstance(context.get(key), dict):
                context[key] = {**context[key], **value}
            else:
                context[key] = value
    context.update(free_text_values(free_text))
    return complete(context)


def prefill_for(referral) -> dict:
    """What the 'write a letter' form starts with: the latest assessment's summary (from
    the sources other parts register) or the referral's reason, and any recommendations
    they suggest."""
    gathered: dict = {}
    for source in CONTEXT_SOURCES:
        gathered.update(source(referral) or {})
    assessment = gathered.get("assessment") or {}
    summary = assessment.get("summary") or referral.reason or ""
    recommendations = gathered.get("recommendations") or []
    if isinstance(recommendations, list):
        recommendations = "\n".join(recommendations)
    return {"summary": summary, "recommendations": recommendations, "other": "",
            "recipient": ""}
