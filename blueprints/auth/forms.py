"""Forms for signing in and changing a password."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .passwords import MAX_LENGTH, password_problem


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[
        DataRequired("Enter your email address"),
        Length(max=254, message="Email address must be 254 characters or fewer")])
    password = PasswordField("Password", validators=[
        DataRequired("Enter your password"),
        Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer")])


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired("Enter your current password"), Length(max=MAX_LENGTH)])
    new_password = PasswordField("New password", validators=[
        DataRequired("Enter a new password")])
    confirm_password = PasswordField("Confirm new password", validators=[
        DataRequired("Enter the new password again"),
        EqualTo("new_password", message="The new passwords do not match")])

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_new_password(self, field):
        problem = password_problem(field.data or "", self._email)
        if problem:
            raise ValidationError(problem)
        if field.data == self.current_password.data:
            raise ValidationError("New password must be different from the current one")
