"""The form a manager uses to approve destroying a referral's content."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired


class DestroyForm(FlaskForm):
    confirm = BooleanField(
        "I have checked that nothing requires this record to be kept longer (for example "
        "a complaint, a claim or a safeguarding review)",
        validators=[DataRequired("Confirm that nothing requires this record to be kept")])
    version = HiddenField()
