"""Forms for letter templates, writing a letter and the court list."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from models.letters import PURPOSES, LetterTemplate

from ..form_fields import NoControlCharacters

FILE_HINT = "A Word document (.docx) up to 5 MB with placeholders from the field catalogue."


class TemplateForm(FlaskForm):
    name = StringField("Template name", validators=[
        DataRequired("Enter a name for the template"),
        Length(max=120, message="Template name must be 120 characters or fewer"),
        NoControlCharacters()])
    purpose = SelectField("What the letter is for", choices=[("", "Choose…")] +
                          list(PURPOSES.items()),
                          validators=[DataRequired("Choose what the letter is for")])
    file = FileField("Template file")
    note = StringField("What changed (optional)", validators=[
        Optional(), Length(max=300, message="The note must be 300 characters or fewer"),
        NoControlCharacters()])

    def validate_purpose(self, field):
        if field.data not in PURPOSES:
            raise ValidationError("Choose what the letter is for from the list")

    def validate_name(self, field):
        from peewee import fn
        if field.errors:  # e.g. control characters: never sent to the database
            return
        name = (field.data or "").strip()
        if LetterTemplate.get_or_none(fn.LOWER(LetterTemplate.name) == name.lower()):
            raise ValidationError("A template with this name already exists: upload a new "
                                  "version of it instead")


class VersionForm(FlaskForm):
    file = FileField("New version")
    note = StringField("What changed (optional)", validators=[
        Optional(), Length(max=300, message="The note must be 300 characters or fewer"),
        NoControlCharacters()])


class LetterForm(FlaskForm):
    template = SelectField("Template", coerce=str,
                           validators=[InputRequired("Choose a template")])
    summary = TextAreaField("Summary", validators=[
        Optional(), Length(max=8000, message="The summary must be 8,000 characters or fewer"),
        NoControlCharacters()])
    recommendations = TextAreaField("Recommendations", validators=[
        Optional(), Length(max=4000,
                           message="Recommendations must be 4,000 characters or fewer"),
        NoControlCharacters()])
    other = TextAreaField("Other information", validators=[
        Optional(), Length(max=4000,
                           message="Other information must be 4,000 characters or fewer"),
        NoControlCharacters()])
    recipient = TextAreaField("Recipient", validators=[
        Optional(), Length(max=500, message="The recipient must be 500 characters or fewer"),
        NoControlCharacters()])

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.template.choices = [("", "Choose a template")] + [
            (str(t.id), f"{t.name}") for t in templates]

    def validate_template(self, field):
        if field.data not in {value for value, _ in self.template.choices if value}:
            raise ValidationError("Choose a template from the list")


class DayField(DateField):
    """A date whose error for a date that does not exist says what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter the hearing date as a real date, like 2026-11-23") from None


class CourtListForm(FlaskForm):
    team = SelectField("Team", coerce=str, validators=[InputRequired("Choose a team")])
    template = SelectField("Letter", coerce=str, validators=[InputRequired("Choose a letter")])
    day = DayField("Hearing date", validators=[
        InputRequired("Enter the hearing date, like 2026-11-23")])

    def __init__(self, *args, teams=(), templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = [(str(t.id), t.name) for t in teams]
        self.template.choices = [(str(t.id), t.name) for t in templates]

    def validate_team(self, field):
        if field.data not in {value for value, _ in self.team.choices}:
            raise ValidationError("Choose one of your teams")

    def validate_template(self, field):
        if field.data not in {value for value, _ in self.template.choices}:
            raise ValidationError("Choose a letter from the list")
