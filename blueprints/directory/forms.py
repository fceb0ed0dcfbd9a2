"""Forms of the service directory: the search box and filters, a service's details,
verifying and archiving, importing a file, and referring a person to a service."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, EmailField, HiddenField, RadioField, SelectField,
                     StringField, TextAreaField, URLField)
from wtforms.validators import (DataRequired, Email, Length, NumberRange, Optional, URL,
                                ValidationError)

from models.directory import (LONDON_BOROUGHS, REFERRAL_METHODS, SERVICE_STATUSES, SORTS,
                              TaxonomyTerm)

from ..form_fields import MultiCheckboxField, NoControlCharacters, WholeNumberField


def _text(label: str, limit: int, required: str | None = None):
    checks = [DataRequired(required)] if required else [Optional()]
    return checks + [Length(max=limit, message=f"{label} must be {limit} characters or fewer"),
                     NoControlCharacters()]


class SearchForm(FlaskForm):
    """The directory's search box and filters (a GET form: bookmarkable, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField("Search services", validators=[Optional(), Length(max=100)])
    category = SelectField("Category", validators=[Optional()])
    borough = SelectField("Borough", validators=[Optional()])
    women = BooleanField("Women-only services")
    sort = SelectField("Sort by", choices=list(SORTS.items()), default="relevance",
                       validators=[Optional()])

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        terms = categories if categories is not None else TaxonomyTerm.categories()
        self.category.choices = [("", "All categories")] + [(str(t.uuid), t.name) for t in terms]
        self.borough.choices = [("", "All boroughs")] + [(b, b) for b in LONDON_BOROUGHS]


class ServiceForm(FlaskForm):
    name = StringField("Service name", validators=_text("Service name", 200,
                                                         "Enter the service name"))
    organization_name = StringField("Organisation that runs it", validators=_text(
        "Organisation", 200, "Enter the organisation that runs the service"))
    description = TextAreaField("What it offers", validators=_text(
        "What it offers", 4000, "Describe what the service offers"))
    categories = MultiCheckboxField("Categories")
    boroughs = MultiCheckboxField("Boroughs served")
    women_only = BooleanField("Women only")
    probation_only = BooleanField("Must be under probation")
    self_referral = BooleanField("Accepts self-referrals")
    minimum_age = WholeNumberField("Youngest age accepted", validators=[
        Optional(), NumberRange(min=0, max=120, message="Enter an age from 0 to 120")],
        invalid_message="Enter the youngest age as a whole number, like 18")
    maximum_age = WholeNumberField("Oldest age accepted", validators=[
        Optional(), NumberRange(min=0, max=120, message="Enter an age from 0 to 120")],
        invalid_message="Enter the oldest age as a whole number, like 65")
    referral_methods = MultiCheckboxField("How referrals are accepted",
                                          choices=list(REFERRAL_METHODS.items()))
    how_to_refer = TextAreaField("How to refer", validators=_text("How to refer", 2000))
    phone = StringField("Phone number for referrals", validators=_text("Phone number", 40))
    email = EmailField("Email address for referrals", validators=[
        Optional(), Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like referrals@example.org",
              check_deliverability=False)])
    url = URLField("Website or referral form", validators=[
        Optional(), Length(max=500, message="Website must be 500 characters or fewer"),
        URL(require_tld=True, message="Enter a web address starting with https://")])
    address_1 = StringField("Address", validators=_text("Address", 200))
    city = StringField("Town or city", validators=_text("Town or city", 100))
    postal_code = StringField("Postcode", validators=_text("Postcode", 20))
    languages = StringField("Languages spoken", validators=_text("Languages", 300))
    opening_hours = TextAreaField("Opening hours", validators=_text("Opening hours", 1000))
    accessibility = TextAreaField("Accessibility", validators=_text("Accessibility", 1000))
    status = RadioField("Status", choices=list(SERVICE_STATUSES.items()), default="active",
                        validators=[DataRequired("Select the service's status")])
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = [(str(t.uuid), t.name) for t in TaxonomyTerm.categories()]
        self.boroughs.choices = [(b, b) for b in LONDON_BOROUGHS]

    def validate_url(self, field):
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a web address starting with https://")

    def validate_maximum_age(self, field):
        if (field.data is not None and self.minimum_age.data is not None
                and field.data < self.minimum_age.data):
            raise ValidationError("The oldest age must not be below the youngest age")


class ConfirmForm(FlaskForm):
    """A button that changes something (verify, archive, confirm an import): CSRF only."""
    version = HiddenField()


IMPORT_FORMATS = {"json": "Open Referral JSON (service_full or organization_full, or a list)",
                  "csv": "Open Referral tabular package (a ZIP of CSV files)"}


class ImportForm(FlaskForm):
    upload = FileField("File to import")

    def validate_upload(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Choose a JSON file or a ZIP of CSV files to import")


def term_field_name(term_uuid) -> str:
    """The form field for one imported term: named by its UUID, never by user text."""
    return "term_" + term_uuid.hex


class CategoryChoiceField(SelectField):
    """One of Pathways' categories, or none."""

    def pre_validate(self, form):
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError("Choose one of Pathways' categories, or “Not mapped”")


class TermMappingForm(FlaskForm):
    """Map imported taxonomy terms onto Pathways' categories: one list per term, added by
    `for_terms` (the terms on the page, or the terms a submitted form names)."""

    @classmethod
    def for_terms(cls, terms, categories, **kwargs) -> "TermMappingForm":
        choices = [("", "Not mapped")] + [(str(c.uuid), c.name) for c in categories]
        fields = {term_field_name(t.uuid): CategoryChoiceField(
            t.name or "(a term without a name)", choices=choices, default="")
            for t in terms}
        form_class = type("TermMappingFormForPage", (cls,), fields)
        form = form_class(**kwargs)
        form.terms = [(t, form[term_field_name(t.uuid)]) for t in terms]
        return form


class ServiceReferralForm(FlaskForm):
    """Refer a person (on one of their referrals) to a directory service."""
    service = StringField("Service", validators=[
        DataRequired("Choose the service you are referring to"), Length(max=36)])
    reason = TextAreaField("Reason for the referral", validators=_text(
        "Reason for the referral", 2000, "Enter the reason for the referral"))
    method = RadioField("How the referral was sent",
                        validators=[DataRequired("Select how the referral was sent")])
    sent_on = DateField("Date sent", validators=[DataRequired("Enter the date the referral "
                                                              "was sent, like 2026-03-27")])
    follow_up_on = DateField("Follow-up date", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from models.service_referrals import METHODS
        self.method.choices = list(METHODS.items())

    def validate_service(self, field):
        from models.directory import Service
        service = Service.by_uuid(field.data or "")
        if service is None or service.is_archived:
            raise ValidationError("Choose a service from the directory")
        self.chosen_service = service


class StatusForm(FlaskForm):
    """Record what happened to a service referral."""
    status = RadioField("What happened", validators=[DataRequired("Select what happened")])
    changed_on = DateField("Date", validators=[DataRequired("Enter the date it happened, "
                                                            "like 2026-03-27")])
    note = TextAreaField("Note", validators=_text("Note", 1000))
    version = HiddenField()

    def __init__(self, *args, service_referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        from models.service_referrals import SERVICE_REFERRAL_STATUSES
        nexts = service_referral.next_statuses if service_referral is not None else ()
        self.status.choices = [(s, SERVICE_REFERRAL_STATUSES[s]) for s in nexts]
