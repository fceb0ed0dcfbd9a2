"""Forms of the guide and training library."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from models.library import AUDIENCES, TOPICS

from ..form_fields import MultiCheckboxField, NoControlCharacters, VersionField, WholeNumberField

SHEET_MAX = 6000  # about what fits on one printed A4 page in the print layout
SHARE_MAX_DAYS = 90


def _text(label: str, max_length: int, required: str | None = None):
    validators = [DataRequired(required)] if required else [Optional()]
    validators += [Length(max=max_length,
                          message=f"{label} must be {max_length} characters or fewer"),
                   NoControlCharacters()]
    return validators


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField("Search guides and quick-reference sheets",
                    validators=[Optional(), Length(max=100)])
    topic = SelectField("Topic", choices=[("", "All topics")] + list(TOPICS.items()),
                        validators=[Optional()])
    audience = SelectField("Audience", choices=[("", "All audiences")] + list(AUDIENCES.items()),
                           validators=[Optional()])


class VersionFields:
    """The fields of a version upload (also part of the new-guide form)."""
    file = FileField("PDF or Word document", validators=[
        FileRequired("Choose a PDF or Word document to upload")])
    label = StringField("Version", validators=_text("Version", 40, "Enter a version, like v2 or March 2026"))
    changes = TextAreaField("What changed", validators=_text("What changed", 1000))
    published = BooleanField("Publish this version now (staff and share links get it)",
                             default=True)


class GuideForm(FlaskForm):
    title = StringField("Title", validators=_text("Title", 200, "Enter the guide's title"))
    summary = TextAreaField("Summary", validators=_text("Summary", 2000))
    topics = MultiCheckboxField("Topics", choices=list(TOPICS.items()),
                                validators=[DataRequired("Select at least one topic")])
    audiences = MultiCheckboxField("Audiences", choices=list(AUDIENCES.items()),
                                   validators=[DataRequired("Select at least one audience")])
    version = VersionField()


class NewGuideForm(GuideForm, VersionFields):
    pass


class VersionForm(FlaskForm, VersionFields):
    pass


class SheetForm(FlaskForm):
    title = StringField("Title", validators=_text("Title", 200, "Enter the sheet's title"))
    summary = StringField("Summary", validators=_text("Summary", 500))
    body = TextAreaField("Sheet text", validators=[
        DataRequired("Enter the sheet's text"),
        Length(max=SHEET_MAX, message=f"Sheet text must be {SHEET_MAX} characters or fewer "
                                      "(so that it prints on one page)"),
        NoControlCharacters()])
    topics = MultiCheckboxField("Topics", choices=list(TOPICS.items()),
                                validators=[DataRequired("Select at least one topic")])
    audiences = MultiCheckboxField("Audiences", choices=list(AUDIENCES.items()),
                                   validators=[DataRequired("Select at least one audience")])
    version = VersionField()


class SessionForm(FlaskForm):
    title = StringField("Title", validators=_text("Title", 200, "Enter the session's title"))
    date = DateField("Date", validators=[DataRequired("Enter the date of the session, like 2026-03-14")])
    venue = StringField("Venue", validators=_text("Venue", 200, "Enter the venue"))
    trainers = StringField("Trainers", validators=_text("Trainers", 300, "Enter the trainers' names"))
    organisation = StringField("Organisation trained", validators=_text(
        "Organisation trained", 200, "Enter the organisation trained"))
    team = SelectField("Team", coerce=int, validators=[DataRequired("Select a team")])
    topics = MultiCheckboxField("Topics", choices=list(TOPICS.items()))
    handouts = MultiCheckboxField("Guides handed out", coerce=int)
    version = VersionField()

    def validate_date(self, field):
        if field.data and not (dt.date(2000, 1, 1) <= field.data <= dt.date(2100, 1, 1)):
            raise ValidationError("Enter a real date for the session")


class AttendeeForm(FlaskForm):
    name = StringField("Name", validators=_text("Name", 120, "Enter the attendee's name"))
    organisation = StringField("Organisation", validators=_text("Organisation", 200))
    role = StringField("Role", validators=_text("Role", 120))
    email = EmailField("Email (optional)", validators=[
        Optional(), Length(max=254, message="Email must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.org",
              check_deliverability=False)])
    attended = BooleanField("Attended", default=True)


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to import")])


class ShareForm(FlaskForm):
    expires_on = DateField("Link works until the end of", validators=[
        DataRequired("Enter the last day the link works, like 2026-04-30")])
    max_uses = WholeNumberField("Most downloads allowed (optional)", validators=[
        Optional(), NumberRange(min=1, max=10000, message="Enter a number from 1 to 10000")],
        invalid_message="Enter a whole number, like 20")
    note = StringField("Who it is for (shown only to staff)", validators=_text("Who it is for", 200))

    def validate_expires_on(self, field):
        from ..formats import LONDON
        today = dt.datetime.now(LONDON).date()
        if field.data and field.data < today:
            raise ValidationError("The last day must be today or later")
        if field.data and field.data > today + dt.timedelta(days=SHARE_MAX_DAYS):
            raise ValidationError(f"A link can work for at most {SHARE_MAX_DAYS} days")


class FeedbackForm(FlaskForm):
    usefulness = RadioField("How useful was the session?", coerce=int, choices=[
        (5, "5 – very useful"), (4, "4"), (3, "3"), (2, "2"), (1, "1 – not useful")],
        validators=[DataRequired("Choose how useful the session was")])
    what_to_change = TextAreaField("What would you change?", validators=_text(
        "What would you change", 2000))


class ConfirmForm(FlaskForm):
    """A bare form for buttons that change something (CSRF only)."""
