"""The monitoring report's period and team filter."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from ..form_fields import MultiCheckboxField
from .period import Period, last_full_quarter, london_today

LONGEST_PERIOD_DAYS = 3 * 366


class ReportFilterForm(FlaskForm):
    """GET form: which dates (London calendar) and which of the manager's teams."""
    class Meta:
        csrf = False  # read-only, bookmarkable

    start = DateField("From", validators=[Optional()],
                      render_kw={"autocomplete": "off"})
    end = DateField("Up to (not including)", validators=[Optional()],
                    render_kw={"autocomplete": "off"})
    teams = MultiCheckboxField("Teams", coerce=int)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only the manager's own teams are offered; any other id fails validation.
        self.teams.choices = [(t.id, t.name) for t in teams]

    def validate_start(self, field):
        if field.data and field.data.year < 2000:
            raise ValidationError("The start date must be in or after the year 2000")

    def validate_end(self, field):
        if field.data and self.start.data and field.data <= self.start.data:
            raise ValidationError("The end date must be after the start date")
        if field.data and self.start.data and (field.data - self.start.data).days > LONGEST_PERIOD_DAYS:
            raise ValidationError("Choose a period of three years or less")
        if field.data and field.data.year > 2100:
            raise ValidationError("The end date must be before the year 2100")

    def period(self) -> Period:
        """The chosen period; the last full quarter when no dates are given."""
        start, end = self.start.data, self.end.data
        if not start and not end:
            return last_full_quarter()
        if not start:
            start = end - dt.timedelta(days=91)
        if not end:
            end = max(start + dt.timedelta(days=1), london_today() + dt.timedelta(days=1))
        return Period(start, end)

    def team_ids(self) -> tuple[int, ...]:
        """The chosen teams, or all of the manager's teams when none is ticked."""
        chosen = self.teams.data or [value for value, _ in self.teams.choices]
        return tuple(sorted(set(chosen)))
