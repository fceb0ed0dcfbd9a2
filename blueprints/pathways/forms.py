"""Forms for pathways (programmes, enrolment, sessions, goals, roadmap, discharge) and the
housing board (waiting list, offers, moves, properties)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                Regexp)

from models.housing import DESTINATIONS, PRIORITIES
from models.pathways import (DRIVERS, ENROLMENT_STATUSES, GOAL_STATUSES, PROGRESS_LEVELS,
                             ROADMAP_CATEGORIES, SESSION_STATUSES)

from ..form_fields import MultiCheckboxField, NoControlCharacters, VersionField, WholeNumberField

DATE_MESSAGE = "Enter a real date, like 2026-03-14"


class DayField(DateField):
    """A date (an <input type="date"> sends YYYY-MM-DD) with our message for a bad one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(DATE_MESSAGE) from None


def text(label, max_length, required_message=None, **kwargs):
    validators = [DataRequired(required_message)] if required_message else [Optional()]
    validators += [Length(max=max_length,
                          message=f"{label} must be {max_length} characters or fewer"),
                   NoControlCharacters()]
    return validators


class ProgrammeForm(FlaskForm):
    name = StringField("Name", validators=text("Name", 120, "Enter the programme's name"))
    description = TextAreaField("What it offers", validators=text("What it offers", 1000))
    eligibility = TextAreaField("Eligibility criteria", validators=text(
        "Eligibility criteria", 2000))
    session_limit = WholeNumberField("Most sessions", validators=[
        Optional(), NumberRange(min=1, max=100, message="Enter a number from 1 to 100")],
        invalid_message="Enter the most sessions as a number, like 8")
    driver_cap = WholeNumberField("Most drivers of offending", validators=[
        Optional(), NumberRange(min=1, max=len(DRIVERS),
                                message=f"Enter a number from 1 to {len(DRIVERS)}")],
        invalid_message="Enter the most drivers as a number, like 3")
    women_only = BooleanField("Show women-only services first when making links")
    active = BooleanField("Taking enrolments")
    version = VersionField()


class ProgrammeChoiceForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only chooses what to show

    programme = SelectField("Pathway", validators=[DataRequired("Choose a pathway")])


def enrol_form_class(programme, can_override: bool):
    """An enrolment form with one yes/no question per eligibility criterion."""

    class EnrolForm(FlaskForm):
        drivers = MultiCheckboxField("Drivers of offending to work on",
                                     choices=list(DRIVERS.items()))
        worker = SelectField("Her worker", coerce=int, validators=[Optional()])
        override_reason = TextAreaField("Reason for enrolling her anyway", validators=text(
            "Reason for enrolling her anyway", 1000))

    for n, criterion in enumerate(programme.criteria):
        setattr(EnrolForm, f"criterion_{n}", RadioField(
            criterion, choices=[("yes", "Yes"), ("no", "No")],
            validators=[InputRequired(f"Answer: {criterion[:80]}")]))
    EnrolForm.can_override = can_override
    return EnrolForm


class DriverForm(FlaskForm):
    driver = SelectField("Add a driver of offending", choices=[("", "Choose a driver")]
                         + list(DRIVERS.items()),
                         validators=[DataRequired("Choose a driver of offending")])


def session_form_class(driver_keys: list[str]):
    """A session form with a progress question for each of her drivers."""

    class SessionForm(FlaskForm):
        planned_on = DayField("Date", validators=[InputRequired(DATE_MESSAGE)])
        status = RadioField("What happened", choices=list(SESSION_STATUSES.items()),
                            default="planned",
                            validators=[InputRequired("Choose what happened")])
        notes = TextAreaField("Notes", validators=text("Notes", 5000))
        version = VersionField()

    for key in driver_keys:
        setattr(SessionForm, f"progress_{key}", SelectField(
            f"{DRIVERS[key]}: how it went", validators=[Optional()],
            choices=[("", "Not recorded")] + list(PROGRESS_LEVELS.items())))
        setattr(SessionForm, f"note_{key}", StringField(
            f"{DRIVERS[key]}: a few words", validators=text(f"{DRIVERS[key]} note", 500)))
    SessionForm.driver_keys = driver_keys
    return SessionForm


def progress_from(form) -> dict:
    return {key: (getattr(form, f"progress_{key}").data or "",
                  (getattr(form, f"note_{key}").data or "").strip())
            for key in form.driver_keys}


class GoalForm(FlaskForm):
    driver = SelectField("Driver", validators=[DataRequired("Choose the driver this goal is for")])
    text = StringField("Her goal", validators=text("Her goal", 300, "Write her goal"))


class GoalStatusForm(FlaskForm):
    status = SelectField("Where it has got to", choices=list(GOAL_STATUSES.items()),
                         validators=[DataRequired("Choose where the goal has got to")])
    version = VersionField()


class RoadmapLinkForm(FlaskForm):
    category = SelectField("Kind of link", choices=[("", "Choose")]
                           + list(ROADMAP_CATEGORIES.items()),
                           validators=[DataRequired("Choose what kind of link this is")])
    service = SelectField("From the service directory", validators=[Optional()])
    name = StringField("Name (if not in the directory)", validators=text(
        "Name", 200))
    details = StringField("Contact and what happens next", validators=text(
        "Contact and what happens next", 500))


class DischargeForm(FlaskForm):
    summary = TextAreaField("What she is taking with her", validators=text(
        "What she is taking with her", 3000, "Write a short summary for her roadmap"))
    version = VersionField()


class CaseloadFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name", validators=[Optional(), Length(max=100)])
    status = SelectField("Status", choices=[("active", "Active"), ("discharged", "Discharged"),
                                            ("all", "All")], validators=[Optional()])
    driver = SelectField("Driver", choices=[("", "Any driver")] + list(DRIVERS.items()),
                         validators=[Optional()])
    worker = SelectField("Worker", choices=[("", "Anyone"), ("me", "Mine")],
                         validators=[Optional()])
    quiet = SelectField("Last contact", choices=[("", "Any time"),
                                                 ("14", "More than 14 days ago"),
                                                 ("28", "More than 28 days ago")],
                        validators=[Optional()])


class WaitingEntryForm(FlaskForm):
    referral = WholeNumberField("Referral number", validators=[
        InputRequired("Enter the referral number"),
        NumberRange(min=1, message="Enter a referral number, like 1042")],
        invalid_message="Enter a referral number, like 1042")
    priority = RadioField("Priority", coerce=int, choices=list(PRIORITIES.items()), default=3,
                          validators=[InputRequired("Choose a priority")])
    needs_summary = StringField("Needs in brief", validators=text(
        "Needs in brief", 300, "Summarise her housing needs in a line"))


class OfferForm(FlaskForm):
    # "entry id:entry version", so the offer carries the version of the entry the user saw.
    entry = StringField("Offer to", validators=[
        InputRequired("Choose who to offer the unit to"),
        Regexp(r"^\d{1,10}:\d{1,10}$", message="Choose who to offer the unit to")])
    unit_version = HiddenField()

    @property
    def entry_id_and_version(self) -> tuple[int, int]:
        entry_id, version = self.entry.data.split(":")
        return int(entry_id), int(version)


class MoveInForm(FlaskForm):
    moved_in_on = DayField("Moved in on", validators=[InputRequired(DATE_MESSAGE)])
    expected_move_on = DayField("Expected move on", validators=[Optional()])
    unit_version = HiddenField()


class MoveOnForm(FlaskForm):
    moved_out_on = DayField("Moved on", validators=[InputRequired(DATE_MESSAGE)])
    destination = SelectField("Moved on to", choices=[("", "Choose")] + list(DESTINATIONS.items()),
                              validators=[DataRequired("Choose where she moved on to")])
    unit_version = HiddenField()


class UnitChangeForm(FlaskForm):
    """Offer ended, void, back in use: a button and the version the user saw."""
    unit_version = HiddenField()
    reason = HiddenField()


class EntryChangeForm(FlaskForm):
    entry_version = HiddenField()


class PropertyForm(FlaskForm):
    name = StringField("Name", validators=text("Name", 120, "Enter the property's name"))
    address = StringField("Address", validators=text("Address", 300))
    provider = StringField("Partner provider", validators=text(
        "Partner provider", 120, "Enter the partner housing provider"))
    team = SelectField("Team", coerce=int, validators=[InputRequired("Choose the team")])
    units = TextAreaField("Units, one a line", validators=text(
        "Units", 2000, "List the units, one a line (for example Flat 1)"))


class FiguresForm(FlaskForm):
    class Meta:
        csrf = False

    start = DayField("From", validators=[Optional()])
    end = DayField("To", validators=[Optional()])


__all__ = ["CaseloadFilterForm", "DischargeForm", "DriverForm", "ENROLMENT_STATUSES",
           "EntryChangeForm", "FiguresForm", "GoalForm", "GoalStatusForm", "MoveInForm",
           "MoveOnForm", "OfferForm", "ProgrammeChoiceForm", "ProgrammeForm", "PropertyForm",
           "RoadmapLinkForm", "UnitChangeForm", "WaitingEntryForm", "enrol_form_class",
           "progress_from", "session_form_class"]
