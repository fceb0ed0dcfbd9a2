"""Finding people: the search box (name, date of birth, NHS number, PNC id), the
"known to another team" hint, and the duplicate check run before registering someone."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from peewee import SQL, Expression, NodeList
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from models.base import is_postgres
from models.identifiers import (nhs_number_is_valid, normalise_nhs_number, normalise_pnc_id,
                                pnc_id_is_valid, pnc_id_spellings)
from models.name_words import later_word_starts
from models.people import Person, Referral, name_key
from models.prepared import prepared, team_list
from models.search import fold_latin

RESULTS_LIMIT = 25
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%y",
                 "%d.%m.%y", "%d/%B/%Y", "%d/%b/%Y")
# A date written with spaces ("27 03 1985", "27 3 85", "27 March 1985"), joined before the
# entry is split into words.
_SPACED_DATE = re.compile(r"\b(\d{1,2}) (\d{1,2}|[A-Za-z]{3,9}) (\d{4}|\d{2})\b")


@dataclass
class Query:
    """What a search box entry asks for."""
    nhs_number: str | None = None
    pnc_id: str | None = None
    date_of_birth: dt.date | None = None
    words: tuple[str, ...] = ()  # name keys (see name_key), at most four
    typed: tuple[str, ...] = ()  # the same name words as typed (to prefill a form)

    @property
    def is_empty(self) -> bool:
        return not (self.nhs_number or self.pnc_id or self.date_of_birth or self.words)


def parse_date(text: str) -> dt.date | None:
    """A date of birth as typed. A two-digit year is the latest such year not in the
    future ("13/07/56" is 1956), where Python's %y would give 2056."""
    for fmt in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if fmt.endswith("%y") and day > dt.date.today():
            try:
                day = day.replace(year=day.year - 100)
            except ValueError:  # 29 February of a year that was not a leap year
                return None
        return day
    return None


def parse_query(q: str | None) -> Query:
    """Split a search box entry into an NHS number, a PNC id, a date of birth and name
    words ("smith 12/03/1985", "943 476 5919", "98/123456G")."""
    q = (q or "").strip()[:200]
    query = Query()
    digits = normalise_nhs_number(q)
    if re.fullmatch(r"[0-9]{10}", digits):
        if nhs_number_is_valid(digits):
            query.nhs_number = digits
        return query
    words, typed = [], []
    spaced = _SPACED_DATE.search(q)
    if spaced and parse_date("/".join(spaced.groups())):
        q = q.replace(spaced.group(0), "/".join(spaced.groups()))
    for token in q.split():
        if pnc_id_is_valid(token):
            query.pnc_id = normalise_pnc_id(token)
        elif (day := parse_date(token)) is not None:
            query.date_of_birth = day
        else:
            key = name_key(token)
            if key:
                words.append(key[:40])
                typed.append(token[:100])
    query.words, query.typed = tuple(words[:4]), tuple(typed[:4])
    return query


def groupings(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every way of reading the words as names of one or more words each, in order: a
    name key drops spaces, so "de souza" may be the family name "De Souza" (key
    "desouza") as well as two names. ("a", "b", "c") gives abc; a, bc; ab, c; a, b, c."""
    if len(words) <= 1:
        return [tuple(words)]
    out = []
    for rest in groupings(words[1:]):
        out.append((words[0] + rest[0],) + rest[1:])
        out.append((words[0],) + rest)
    return out


# A word of a name as people write them: letters, joined by apostrophes or hyphens.
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def typed_names(query: Query) -> tuple[str, str]:
    """Given and family name for a register form, from the name words typed in the search
    box: the first word is the given name, the rest the family name ("Maria de Souza")."""
    def tidy(word: str, key: str) -> str:
        if not _NAME_WORD.fullmatch(word):  # digits or symbols: the letters only
            return key.title()
        return word.title() if word.islower() or word.isupper() else word
    names = [tidy(w, k) for w, k in zip(query.typed, query.words)]
    if len(names) < 2:
        return "", " ".join(names)
    return names[0], " ".join(names[1:])


def _prefix(field, word: str):
    """`field` starts with `word` (a name key: letters and digits only), using the index:
    GLOB on SQLite, LIKE on the byte-ordered key on PostgreSQL."""
    return _matches(field, _prefix_pattern(word))


def _prefix_pattern(word: str) -> str:
    return word + ("%" if is_postgres() else "*")


def _matches(field, pattern: str):
    return Expression(_bytewise(field), "LIKE" if is_postgres() else "GLOB", pattern)


def _bytewise(field):
    """A name key compared and ordered byte by byte, as SQLite does. On PostgreSQL a prefix
    is then a range of migration 017's indexes whatever the database's collation: in any
    other, the planner walked the name index from "a" to the prefix, checking every
    person on the way (44 ms for "smi" among 100k people, against 1 ms)."""
    return NodeList((field, SQL('COLLATE "C"'))) if is_postgres() else field


def _criteria(query: Query):
    """A WHERE condition for `query` on Person, or None when it asks nothing."""
    if query.nhs_number:
        return Person.nhs_number == query.nhs_number
    conditions = []
    if query.pnc_id:
        conditions.append(Person.pnc_id.in_(pnc_id_spellings(query.pnc_id)))
    if query.date_of_birth:
        conditions.append(Person.date_of_birth == query.date_of_birth)
    for word in query.words:
        conditions.append(_prefix(Person.family_key, word) | _prefix(Person.given_key, word))
    return _all(conditions) if conditions else None


def _all(conditions):
    conditions = list(conditions)
    combined = conditions[0]
    for extra in conditions[1:]:
        combined &= extra
    return combined


def _any(conditions):
    combined = conditions[0]
    for extra in conditions[1:]:
        combined |= extra
    return combined


# What the results list shows of each person (a person row has some forty columns).
LISTED = (Person.id, Person.given_name, Person.family_name, Person.preferred_name,
          Person.date_of_birth, Person.nhs_number, Person.pnc_id)


@prepared
def _one_word(pattern, teams, limit, given):
    """People whose family (or `given`) name starts with the pattern, in name order: the
    search as someone types a name (composed once, see models/prepared.py)."""
    key, other = ((Person.given_key, Person.family_key) if given
                  else (Person.family_key, Person.given_key))
    return (Person.select(*LISTED).where(_matches(key, pattern) & Person.visible_condition(teams))
            .order_by(_bytewise(key), _bytewise(other), Person.id).limit(limit))


def find_people(q: str, team_ids: set[int] | None, limit: int = RESULTS_LIMIT) -> list[Person]:
    """People the teams work with who match the search box entry: family names first (in
    name order), then given names. Several name words are searched in every grouping (see
    `groupings`), each its own query, as one query with OR between them could use no index
    (25-45 ms among 100k people, against 2-4 ms) and the merged list is put in name order."""
    query = parse_query(q)
    readings = [replace(query, words=grouping) for grouping in groupings(query.words)]
    if len(readings) == 1:
        people = _find(query, team_ids, limit)
    else:
        found: dict[int, Person] = {}
        for reading in readings:
            for person in _find(reading, team_ids, limit):
                found.setdefault(person.id, person)
        people = sorted(found.values(), key=lambda p: (name_key(p.family_name),
                                                       name_key(p.given_name), p.id))
    if query.words and len(people) < limit and min(map(len, query.words)) >= NAME_WORD_MIN:
        # Then people with a later word of a name that starts so ("souza": De Souza).
        seen = {p.id for p in people}
        people += [p for p in _by_name_words(query, team_ids, limit) if p.id not in seen]
    return people[:limit]


NAME_WORD_MATCHES = 2000
# Typed words shorter than this do not look for later words of names: two letters start a
# later word in many names, and say little yet.
NAME_WORD_MIN = 3


def _by_name_words(query: Query, team_ids: set[int] | None, limit: int) -> list[Person]:
    """People the teams work with whose typed words each start their name keys or a later
    word of their names (models/name_words.py: "souza" of De Souza, a preferred name), at
    least one of them a later word, in name order. The later words are looked up first:
    few people have a name of several words, so each word's list is short, and only those
    people are checked (past NAME_WORD_MATCHES for one word, the rest are not looked at)."""
    visible = Person.visible_condition(team_ids)
    later = {word: _with_later_word(later_word_key(typed), visible)
             for word, typed in zip(query.words, query.typed)}
    candidates = sorted(set().union(*later.values()))
    if not candidates:
        return []
    condition = Person.id.in_(candidates) & visible
    for word in query.words:
        starts = _prefix(Person.family_key, word) | _prefix(Person.given_key, word)
        condition &= (starts | Person.id.in_(later[word])) if later[word] else starts
    others = _criteria(replace(query, words=()))  # a date of birth or PNC id typed too
    if others is not None:
        condition &= others
    found = list(Person.select(*LISTED).where(condition))
    found.sort(key=lambda p: (name_key(p.family_name), name_key(p.given_name), p.id))
    return found[:limit]


def later_word_key(typed: str) -> str:
    """A typed word as the later-words index holds words: lower case, letters and digits,
    Latin letters' accents folded as the index folds them and nothing more ("Hằng" ->
    "hang", but "Сергей" keeps its й, which a name key would turn into и)."""
    return re.sub(r"[^\w]|_", "", fold_latin(typed.lower()))[:40]


def _with_later_word(word: str, visible) -> list[int]:
    """Ids of people with a later word of a name starting with `word`: everyone's, from the
    index alone, when there are at most NAME_WORD_MATCHES (the caller then keeps the teams'
    people); otherwise the teams' people among them, asked of the index and the referrals
    together. Asked together every time, PostgreSQL expected thousands of matches and
    joined all of the teams' referrals first (25 ms for a word nobody has, against 1 ms)."""
    if not word:
        return []
    ids = [row[0] for row in Person.select(Person.id).where(later_word_starts(word))
           .limit(NAME_WORD_MATCHES + 1).tuples()]
    if len(ids) <= NAME_WORD_MATCHES:
        return ids
    return [row[0] for row in Person.select(Person.id).where(later_word_starts(word) & visible)
            .limit(NAME_WORD_MATCHES).tuples()]


def _find(query: Query, team_ids: set[int] | None, limit: int) -> list[Person]:
    """People matching one reading of the entry, each name word a name (or its start);
    each with what the results list shows (LISTED)."""
    if len(query.words) == 1 and not (query.nhs_number or query.pnc_id
                                      or query.date_of_birth):
        # One word: family-name matches, then given-name matches, each read along its
        # (key, other key, id) index and stopped at a page, rather than sorting every
        # "smi…" in the country.
        where = dict(pattern=_prefix_pattern(query.words[0]), limit=limit,
                     teams=team_list(team_ids))
        by_family = _one_word(given=False, **where)
        if len(by_family) >= limit:
            return by_family
        seen = {p.id for p in by_family}
        by_given = _one_word(given=True, **where)
        return (by_family + [p for p in by_given if p.id not in seen])[:limit]
    condition = _criteria(query)
    if condition is None:
        return []
    condition &= Person.visible_condition(team_ids)
    if len(query.words) < 2 or is_postgres():
        return _in_name_order(condition, limit)
    return _word_by_word(query.words, condition, limit)


def _in_name_order(condition, limit: int) -> list[Person]:
    return list(Person.select().where(condition)
                .order_by(_bytewise(Person.family_key), _bytewise(Person.given_key), Person.id)
                .limit(limit))


def _word_by_word(words: tuple[str, ...], condition, limit: int) -> list[Person]:
    """SQLite: people matching `condition`, which asks each of several name words to start
    a name, read one family-name word at a time: each word in turn as the start of the
    family name (a range of the family name index, in name order, stopped at the page),
    then the people whose given name alone starts with every word. Asked as one query,
    SQLite gathered everyone whose either name starts with any word and sorted them (among
    100k people "c c" took 80-95 ms, now 5 ms; "j j j" 116 ms, now 12 ms). PostgreSQL
    plans the one query well, and each extra query costs it more than it saves."""
    found: dict[int, Person] = {}
    distinct = list(dict.fromkeys(words))
    for word in distinct:
        for person in _in_name_order(_prefix(Person.family_key, word) & condition, limit):
            found.setdefault(person.id, person)
    longest = max(words, key=len)
    if all(longest.startswith(word) for word in distinct):
        no_family_word = ~_any([_prefix(Person.family_key, w) for w in distinct])
        for person in _in_name_order(_prefix(Person.given_key, longest) & no_family_word
                                     & condition, limit):
            found.setdefault(person.id, person)
    people = sorted(found.values(), key=lambda p: (p.family_key, p.given_key, p.id))
    return people[:limit]


def hidden_exact_match(q: str, team_ids: set[int] | None) -> Person | None:
    """The person whose exact NHS number, or full name + date of birth, the entry is, when
    the teams cannot see them (for the hint and the access request; never shown)."""
    if team_ids is None:
        return None
    exact = exact_condition(parse_query(q))
    if exact is None:
        return None
    return (Person.select().where(exact & ~Person.visible_condition(team_ids))
            .order_by(Person.id).first())


def known_elsewhere(q: str, team_ids: set[int] | None) -> bool:
    """True when the entry exactly identifies someone only other teams work with."""
    return hidden_exact_match(q, team_ids) is not None


def exact_condition(query: Query):
    """An exact identity: NHS number, or given and family name and date of birth. The
    name words may split anywhere between the two names, either way round ("maria de
    souza": Maria + De Souza, or Maria De + Souza)."""
    if query.nhs_number:
        return Person.nhs_number == query.nhs_number
    if query.date_of_birth and len(query.words) >= 2:
        words = query.words
        splits = [("".join(words[:k]), "".join(words[k:])) for k in range(1, len(words))]
        names = _any([((Person.given_key == a) & (Person.family_key == b))
                      | ((Person.given_key == b) & (Person.family_key == a))
                      for a, b in splits])
        return (Person.date_of_birth == query.date_of_birth) & names
    return None


@dataclass
class Match:
    person: Person
    reason: str
    visible: bool
    score: int
    token: str = ""  # for a match the user cannot see: see access_requests.match_token


def name_similarity(given: str, family: str, other: Person) -> int:
    """0-100: how alike two names are, allowing for typos, spelling variants and given and
    family names written the wrong way round."""
    a = f"{name_key(given)} {name_key(family)}"
    b = f"{other.given_key} {other.family_key}"
    token = fuzz.token_sort_ratio(a, b)
    jw = (JaroWinkler.similarity(name_key(family), other.family_key) * 0.6
          + JaroWinkler.similarity(name_key(given), other.given_key) * 0.4) * 100
    return int(max(token, jw))


SIMILAR_NAMES = 82


def find_duplicates(values: dict, team_ids: set[int] | None,
                    exclude_id: int | None = None) -> list[Match]:
    """Likely duplicates of a person about to be registered: the same NHS number or PNC id,
    the same names and date of birth, or similar names and the same date of birth."""
    found: dict[int, Match] = {}

    def add(person, reason, score):
        if person.id == exact_id or person.id in found:
            return
        found[person.id] = Match(person, reason, True, score)

    exact_id = exclude_id
    if values.get("nhs_number"):
        for person in Person.select().where(Person.nhs_number == values["nhs_number"]):
            add(person, "Same NHS number", 100)
    if values.get("pnc_id"):
        spellings = pnc_id_spellings(values["pnc_id"]) or [values["pnc_id"]]
        for person in Person.select().where(Person.pnc_id.in_(spellings)):
            add(person, "Same PNC ID", 100)
    if values.get("date_of_birth"):
        same_day = Person.select().where(Person.date_of_birth == values["date_of_birth"])
        for person in same_day:
            if (person.given_key == name_key(values["given_name"])
                    and person.family_key == name_key(values["family_name"])):
                add(person, "Same names and date of birth", 100)
                continue
            score = name_similarity(values["given_name"], values["family_name"], person)
            if score >= SIMILAR_NAMES:
                add(person, "Similar names and the same date of birth", score)
    if team_ids is not None and found:
        visible = {r.person_id for r in Referral.visible_to(team_ids).select(Referral.person)
                   .where(Referral.person.in_(list(found)))}
        for match in found.values():
            match.visible = match.person.id in visible
    return sorted(found.values(), key=lambda m: (-m.score, m.person.id))
