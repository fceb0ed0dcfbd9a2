"""Case-work forms: registering and editing a person, referrals, hearings, triage, status,
sharing, notes and amendments, needs assessments and follow-ups."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, RadioField, SelectField, StringField,
                     TextAreaField, TimeField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from models.follow_ups import london_today
from models.identifiers import (nhs_number_is_valid, normalise_nhs_number, normalise_pnc_id,
                                pnc_check_letter_matches, pnc_id_is_valid,
                                pnc_id_spellings)
from models.needs import MAX_NEED_NOTE, NEED_DOMAINS, NEED_LEVELS
from models.notes import MAX_NOTE_LENGTH, NOTE_TYPES
from models.people import (COMMUNICATION_NEEDS, CONSENT_SCOPES, ETHNIC_GROUPS, GENDERS,
                           HEARING_PURPOSES, HOUSING_STATUSES, OUTCOMES, REFERRAL_SOURCES,
                           SCREENING_ROUTES, TRIAGE_RESULTS)

from ..form_fields import MultiCheckboxField, NoControlCharacters, VersionField
from ..formats import format_date


def text(label, max_length, required=None, **kwargs):
    """A single-line text field with a length limit and no control characters."""
    checks = [DataRequired(required)] if required else [Optional()]
    checks += [Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
               NoControlCharacters()]
    return StringField(label, validators=checks, **kwargs)


def one_line_break(value):
    """Browsers send each line break of a text area as CR LF, while its `maxlength` counts
    one: the length is checked, and the text stored, with one character a break."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def long_text(label, max_length, required=None, **kwargs):
    checks = [DataRequired(required)] if required else [Optional()]
    checks += [Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"),
               NoControlCharacters()]
    return TextAreaField(label, validators=checks, filters=[one_line_break], **kwargs)


# A browser with a date picker sends ISO dates; one without (or a form filled by hand) sends
# what people write: 27/03/1985, 27-03-1985, 27.03.1985, 27 03 1985.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y"]


def date_field(label, required=None):
    checks = [InputRequired(required)] if required else [Optional()]
    return DateField(label, validators=checks, format=DATE_FORMATS)


def _date_errors(form):
    """WTForms' messages for an unreadable date or time or an unknown choice are terse:
    ours name the field and what to do."""
    for f in form:
        if isinstance(f, DateField) and f.errors:
            f.errors[:] = [f"Enter {f.label.text.lower()} as a real date, like 27/03/1985"
                           if e == "Not a valid date value." else e for e in f.errors]
        if isinstance(f, TimeField) and f.errors:
            f.errors[:] = [f"Enter {f.label.text.lower()} as a time, like 09:30"
                           if e == "Not a valid time value." else e for e in f.errors]
        if isinstance(f, (SelectField, RadioField)) and f.errors:
            # WTForms says "Not a valid choice." or "Invalid Choice: could not coerce.":
            # ours names the field, and never echoes what was sent.
            label = f.label.text.replace(" (optional)", "").lower()
            f.errors[:] = [f"Choose {label} from the list"
                           if e.startswith(("Not a valid choice", "Invalid Choice")) else e
                           for e in f.errors]


class CaseForm(FlaskForm):
    """Clear messages for bad dates and times on every case-work form."""

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        _date_errors(self)
        return ok


class PersonFields(CaseForm):
    given_name = text("Given name", 100, "Enter the person's given name",
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
    family_name = text("Family name", 100, "Enter the person's family name",
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    preferred_name = text("Preferred name (optional)", 100)
    date_of_birth = date_field("Date of birth", "Enter the person's date of birth")
    gender = SelectField("Gender", choices=list(GENDERS.items()), default="not_stated")
    ethnicity = SelectField("Ethnicity", default="not_stated", choices={
        group: list(items) for group, items in ETHNIC_GROUPS})
    pronouns = text("Pronouns (optional)", 40)
    nhs_number = text("NHS number (optional)", 20, render_kw={"inputmode": "numeric",
                                                              "spellcheck": "false"})
    pnc_id = text("PNC ID (optional)", 20, render_kw={"spellcheck": "false"})
    phone = text("Phone (optional)", 40, render_kw={"autocomplete": "off"})
    address = long_text("Address (optional)", 500)
    housing_status = SelectField("Housing", choices=list(HOUSING_STATUSES.items()),
                                 default="not_known")
    gp_practice = text("GP practice (optional)", 200)
    first_language = text("First language", 60, "Enter the person's first language",
                          default="English")
    interpreter_needed = BooleanField("Needs an interpreter")
    communication_needs = MultiCheckboxField("Communication needs",
                                             choices=list(COMMUNICATION_NEEDS.items()))
    consent_scope = RadioField("Consent to share information",
                               choices=[("", "Not yet asked")] + list(CONSENT_SCOPES.items()),
                               default="", validators=[Optional()])
    consent_date = date_field("Date consent was given or refused")

    def validate_date_of_birth(self, field):
        if field.data and field.data > london_today():
            raise ValidationError("Date of birth must be in the past")
        if field.data and field.data.year < 1900:
            raise ValidationError("Date of birth must be after 1900")

    def validate_nhs_number(self, field):
        if field.data and field.data.strip():
            if not nhs_number_is_valid(field.data):
                raise ValidationError("Enter a valid NHS number: 10 digits, like 943 476 5919 "
                                      "(the last digit is a check digit)")

    # The PNC id the record holds already (set by the edit page): kept as it is, it is not
    # refused for its check letter, so an id saved before letters were checked does not
    # stop every other change to the record.
    kept_pnc_id: str | None = None

    def validate_pnc_id(self, field):
        if not (field.data and field.data.strip()):
            return
        if not pnc_id_is_valid(field.data):
            raise ValidationError("Enter a PNC ID in the police format, like 98/123456G")
        if self.kept_pnc_id and self.kept_pnc_id in pnc_id_spellings(field.data):
            return  # the id the record holds, however it is written
        if not pnc_check_letter_matches(field.data):
            raise ValidationError("The check letter of this PNC ID does not match its numbers: "
                                  "check the ID against the custody or court record")

    def validate_consent_date(self, field):
        if field.data and field.data > london_today():
            raise ValidationError("Consent date must be today or in the past")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.consent_scope.data and not self.consent_date.data and not self.consent_date.errors:
            self.consent_date.errors = list(self.consent_date.errors) + [
                "Enter the date consent was given or refused"]
            ok = False
        return ok

    def differences(self, person, values: dict) -> list[tuple[str, str]]:
        """Where `person` as it now is differs from `values` (what was typed, as
        person_values gives it): each field's label and its value now, as words."""
        shown = []
        for name, typed in values.items():
            now = getattr(person, name)
            if name not in self._fields or now == typed:
                continue  # (the name keys and who recorded consent are not fields)
            choices = self[name].choices if hasattr(self[name], "choices") else None
            if isinstance(choices, dict):  # grouped choices (ethnicity)
                choices = [c for group in choices.values() for c in group]
            if name == "communication_needs":
                words = ", ".join(COMMUNICATION_NEEDS.get(k, k) for k in (now or "").split(",")
                                  if k)
            elif choices:
                words = dict(choices).get(now or "", now)
            elif isinstance(now, bool):
                words = "yes" if now else "no"
            elif isinstance(now, dt.date):
                words = format_date(now)
            else:
                words = now
            shown.append((self[name].label.text, words or "(blank)"))
        return shown

    def person_values(self) -> dict:
        """The form's values as Person fields (normalised identifiers)."""
        return dict(
            given_name=self.given_name.data.strip(), family_name=self.family_name.data.strip(),
            preferred_name=(self.preferred_name.data or "").strip(),
            date_of_birth=self.date_of_birth.data, gender=self.gender.data,
            ethnicity=self.ethnicity.data, pronouns=(self.pronouns.data or "").strip(),
            nhs_number=normalise_nhs_number(self.nhs_number.data) or None,
            pnc_id=normalise_pnc_id(self.pnc_id.data) or None,
            phone=(self.phone.data or "").strip(), address=(self.address.data or "").strip(),
            housing_status=self.housing_status.data,
            gp_practice=(self.gp_practice.data or "").strip(),
            first_language=self.first_language.data.strip(),
            interpreter_needed=bool(self.interpreter_needed.data),
            communication_needs=",".join(k for k in COMMUNICATION_NEEDS
                                         if k in (self.communication_needs.data or [])),
            consent_scope=self.consent_scope.data or None,
            consent_date=self.consent_date.data if self.consent_scope.data else None,
        )


class ReferralFields(CaseForm):
    team = SelectField("Team", coerce=int, validators=[InputRequired("Choose the team")])
    received_date = date_field("Date received", "Enter the date the referral was received")
    received_time = TimeField("Time received", validators=[
        InputRequired("Enter the time the referral was received")])
    source = SelectField("Source", choices=[("", "Choose a source")] + list(REFERRAL_SOURCES.items()),
                         validators=[DataRequired("Choose where the referral came from")])
    screening_route = RadioField("Screening route", choices=list(SCREENING_ROUTES.items()),
                                 validators=[DataRequired("Choose the screening route")])
    reason = long_text("Reason for referral", 4000, "Enter the reason for the referral")
    assigned_to = SelectField("Assigned practitioner", coerce=int, validators=[Optional()])

    def set_choices(self, teams, members: dict[int, list]):
        """`teams`: the teams the user may refer into; `members`: team id -> users."""
        self.team.choices = [(t.id, t.name) for t in teams]
        seen, choices = set(), [(0, "Not assigned yet")]
        for team in teams:
            for user in members.get(team.id, []):
                if user.id not in seen:
                    seen.add(user.id)
                    choices.append((user.id, f"{user.name} ({team.name})"))
        self.assigned_to.choices = choices
        self._members = members

    def validate_received_date(self, field):
        if field.data and field.data > london_today():
            raise ValidationError("The date received must be today or in the past")

    def validate_assigned_to(self, field):
        if field.data and self.team.data:
            if field.data not in {u.id for u in self._members.get(self.team.data, [])}:
                raise ValidationError("Choose a practitioner who is in the referral's team")


class RegisterForm(PersonFields, ReferralFields):
    """Register a person with their first referral (a person with no referral would be
    seen by nobody). `confirm_new` is asked for when likely duplicates were shown."""
    confirm_new = BooleanField("None of these is the person: register a new person")


class PersonForm(PersonFields):
    version = VersionField()


class ReferralForm(ReferralFields):
    pass


class HearingForm(CaseForm):
    court = text("Court", 120, "Enter the court")
    date = date_field("Hearing date", "Enter the hearing date")
    time = TimeField("Time (optional)", validators=[Optional()])
    courtroom = text("Courtroom (optional)", 40)
    purpose = SelectField("Purpose", choices=[("", "Choose a purpose")] + list(HEARING_PURPOSES.items()),
                          validators=[DataRequired("Choose the purpose of the hearing")])

    def values(self) -> dict:
        """The hearing's fields as the form gives them (added or changed alike)."""
        return {"court": self.court.data.strip(), "date": self.date.data, "time": self.time.data,
                "courtroom": (self.courtroom.data or "").strip(), "purpose": self.purpose.data}


class HearingChangeForm(HearingForm):
    """A hearing adjourned or moved: its details as they are now, and why."""
    reason = text("Reason for the change", 300, "Enter the reason for the change")
    version = VersionField()


class VacateHearingForm(CaseForm):
    vacated_reason = text("Why it was vacated", 300, "Enter why the hearing was vacated")
    version = VersionField()


class TriageForm(CaseForm):
    triage_date = date_field("Date referred to psychiatric liaison", "Enter the triage date")
    triage_result = SelectField("Result", choices=[("", "Choose a result")] + list(TRIAGE_RESULTS.items()),
                                validators=[DataRequired("Choose the triage result")])

    def validate_triage_date(self, field):
        if field.data and field.data > london_today():
            raise ValidationError("The triage date must be today or in the past")


class AssignForm(CaseForm):
    """Who in the holding team works the referral (after a transfer, the new team
    chooses). The version refuses a change made on a stale page."""
    assigned_to = SelectField("Assigned practitioner", coerce=int,
                              validators=[InputRequired("Choose who works this referral")])
    version = VersionField()


class CloseForm(CaseForm):
    outcome = RadioField("Outcome", choices=list(OUTCOMES.items()),
                         validators=[DataRequired("Choose the outcome")])
    closure_reason = long_text("Closure reason", 2000, "Enter why the referral is being closed")
    version = VersionField()


class ReopenForm(CaseForm):
    version = VersionField()


class ShareForm(CaseForm):
    kind = RadioField("Share or transfer", choices=[
        ("share", "Share: both teams see the person and this referral"),
        ("transfer", "Transfer: the receiving team takes the referral over")],
        validators=[DataRequired("Choose share or transfer")])
    team = SelectField("Receiving team", coerce=int, validators=[InputRequired("Choose a team")])
    reason = long_text("Reason", 2000, "Enter the reason")


class NoteForm(CaseForm):
    referral = SelectField("Referral", coerce=int, validators=[InputRequired("Choose a referral")])
    note_type = SelectField("Type of note", choices=list(NOTE_TYPES.items()), default="contact")
    body = long_text("Note", MAX_NOTE_LENGTH, "Enter the note")


class AmendForm(CaseForm):
    body = long_text("Corrected note", MAX_NOTE_LENGTH, "Enter the corrected note")
    reason = text("Reason for the amendment", 500, "Enter the reason for the amendment")
    version = VersionField()


class NeedsForm(CaseForm):
    """One level (radios) and one note per domain; the fields are added per domain below."""

    def domain_fields(self):
        return [(key, label, self[f"{key}_level"], self[f"{key}_note"])
                for key, label in NEED_DOMAINS.items()]


for _key, _label in NEED_DOMAINS.items():
    setattr(NeedsForm, f"{_key}_level", RadioField(
        _label, choices=list(NEED_LEVELS.items()),
        validators=[DataRequired(f"Choose a level for {_label.lower()}")]))
    setattr(NeedsForm, f"{_key}_note", TextAreaField(
        f"Note on {_label.lower()} (optional)", validators=[
            Optional(), Length(max=MAX_NEED_NOTE,
                               message=f"The note on {_label.lower()} must be "
                                       f"{MAX_NEED_NOTE:,} characters or fewer"),
            NoControlCharacters()], filters=[one_line_break]))


class FollowUpForm(CaseForm):
    what = text("What needs doing", 300, "Enter what needs doing")
    due_date = date_field("Due date", "Enter the due date")
    # Its own id: the referral page also holds the assign form's "assigned_to".
    assigned_to = SelectField("Assigned to", coerce=int, id="follow-up-assigned-to",
                              validators=[InputRequired("Choose who it is for")])

    def validate_due_date(self, field):
        if field.data and field.data < london_today() - dt.timedelta(days=365):
            raise ValidationError("The due date is more than a year ago: check the year")

    def values(self) -> dict:
        """The follow-up's fields as the form gives them (added or changed alike)."""
        return {"what": self.what.data.strip(), "due_date": self.due_date.data,
                "assigned_to_id": self.assigned_to.data}


class FollowUpChangeForm(FollowUpForm):
    """A follow-up rescheduled, reassigned or reworded."""
    version = VersionField()


class RequestAccessForm(FlaskForm):
    q = HiddenField()  # a search-box entry that matches the record exactly
    match = HiddenField()  # or a likely match's token, from its button on the register form


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
