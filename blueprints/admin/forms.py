"""Forms for managing users and teams, and for filtering the audit log."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, RadioField, SelectField,
                     StringField)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from models.accounts import ROLES, SITE_TYPES, Team, User

from ..form_fields import MultiCheckboxField, NoControlCharacters, VersionField, WholeNumberField
from ..record_ids import MAX_ID


class UserForm(FlaskForm):
    name = StringField("Full name", validators=[
        DataRequired("Enter the person's full name"),
        Length(max=120, message="Full name must be 120 characters or fewer"),
        NoControlCharacters()])
    email = EmailField("Email address", validators=[
        DataRequired("Enter an email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.org",
              check_deliverability=False)])
    role = RadioField("Role", choices=list(ROLES.items()),
                      validators=[DataRequired("Select a role")])
    teams = MultiCheckboxField("Teams", coerce=int)
    active = BooleanField("Account is active (the person can sign in)")
    version = VersionField()

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._editing = editing
        self.teams.choices = [(t.id, f"{t.name} ({t.site_label})") for t in Team.ordered()]

    def validate_email(self, field):
        existing = User.by_email(field.data or "")
        if existing and (self._editing is None or existing.id != self._editing.id):
            raise ValidationError("A user with this email address already exists")

    def validate_teams(self, field):
        if self.role.data != "admin" and not field.data:
            raise ValidationError("Select at least one team")


class TeamForm(FlaskForm):
    name = StringField("Team name", validators=[
        DataRequired("Enter the team name"),
        Length(max=120, message="Team name must be 120 characters or fewer"),
        NoControlCharacters()])
    site_type = RadioField("Where the team works", choices=list(SITE_TYPES.items()),
                           validators=[DataRequired("Select where the team works")])

    def __init__(self, *args, editing: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._editing = editing

    def validate_name(self, field):
        from peewee import fn
        clash = Team.get_or_none(fn.LOWER(Team.name) == (field.data or "").strip().lower())
        if clash and (self._editing is None or clash.id != self._editing.id):
            raise ValidationError("A team with this name already exists")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    actor = SelectField("User", coerce=str, validators=[Optional()])
    action = StringField("Action starts with", validators=[Optional(), Length(max=60)])
    person = WholeNumberField("Person record number", validators=[
        Optional(), NumberRange(min=1, max=MAX_ID, message="Enter a record number, like 1042")],
        invalid_message="Enter a record number, like 1042")
    date_from = DateField("From (inclusive)", validators=[Optional()])
    date_to = DateField("To (inclusive)", validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.select(User.id, User.name).order_by(User.name)
        self.actor.choices = [("", "Anyone")] + [(str(u.id), u.name) for u in users]
