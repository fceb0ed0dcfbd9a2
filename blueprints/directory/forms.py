"""Forms of the service directory: the search box and filters, a service's details,
verifying and archiving, importing a file, and referring a person to a service."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, EmailField, FieldList, Form, FormField,
                     HiddenField, RadioField, SelectField, StringField, TextAreaField, URLField)
from wtforms.validators import (DataRequired, Email, Length, NumberRange, Optional, URL,
                                ValidationError)

from models.directory import (LONDON_BOROUGHS, REFERRAL_METHODS, SERVICE_STATUSES, SORTS,
                              TaxonomyTerm)

from ..form_fields import MultiCheckboxField, NoControlCharacters, VersionField, WholeNumberField


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


# How many phone numbers and addresses one service may have (the form grows by one row
# each time "Add another" is pressed, up to these).
MAX_PHONES = 10
MAX_ADDRESSES = 10


class PhoneEntry(Form):
    """One of a service's phone numbers (no token of its own: the service form has it)."""
    id = HiddenField()  # the phone's UUID; empty for a new number
    number = StringField("Phone number", validators=_text("Phone number", 40))
    description = StringField("What the number is for", validators=_text(
        "What the number is for", 200))
    remove = BooleanField("Remove this number")


class AddressEntry(Form):
    """One of the addresses where a service is offered."""
    id = HiddenField()  # the address's UUID; empty for a new address
    address_1 = StringField("Address line 1", validators=_text("Address line 1", 200))
    address_2 = StringField("Address line 2 (optional)", validators=_text("Address line 2", 200))
    city = StringField("Town or city", validators=_text("Town or city", 100))
    postal_code = StringField("Postcode", validators=_text("Postcode", 20))
    remove = BooleanField("Remove this address")

    @property
    def lines(self) -> dict:
        return {"address_1": (self.address_1.data or "").strip(),
                "address_2": (self.address_2.data or "").strip(),
                "city": (self.city.data or "").strip(),
                "postal_code": (self.postal_code.data or "").strip().upper()}


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
    phones = FieldList(FormField(PhoneEntry), min_entries=1, max_entries=MAX_PHONES)
    email = EmailField("Email address for referrals", validators=[
        Optional(), Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like referrals@example.org",
              check_deliverability=False)])
    url = URLField("Website or referral form", validators=[
        Optional(), Length(max=500, message="Website must be 500 characters or fewer"),
        URL(require_tld=True, message="Enter a web address starting with https://")])
    addresses = FieldList(FormField(AddressEntry), min_entries=1, max_entries=MAX_ADDRESSES)
    languages = StringField("Languages spoken", validators=_text("Languages", 300))
    opening_hours = TextAreaField("Opening hours", validators=_text("Opening hours", 1000))
    accessibility = TextAreaField("Accessibility", validators=_text("Accessibility", 1000))
    status = RadioField("Status", choices=list(SERVICE_STATUSES.items()), default="active",
                        validators=[DataRequired("Select the service's status")])
    version = VersionField()

    def __init__(self, *args, service=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.categories.choices = [(str(t.uuid), t.name) for t in TaxonomyTerm.categories()]
        self.boroughs.choices = [(b, b) for b in LONDON_BOROUGHS]

    def add_row(self, which: str) -> str | None:
        """One more blank phone or address row ("Add another"); a message at the limit."""
        rows, limit, noun = ((self.phones, MAX_PHONES, "phone numbers") if which == "phone"
                             else (self.addresses, MAX_ADDRESSES, "addresses"))
        if len(rows.entries) >= limit:
            return f"A service can have up to {limit} {noun}."
        rows.append_entry()
        return None

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the rows: each names a phone or address of this service (or
        none, for a new one), once; an address has a first line or a postcode."""
        ok = super().validate(extra_validators)
        from models.directory import Address, Location, Phone, ServiceAtLocation
        service = self.service
        own_phones = ({str(u) for (u,) in Phone.select(Phone.uuid)
                       .where(Phone.service == service).tuples()} if service else set())
        own_addresses = ({str(u) for (u,) in Address.select(Address.uuid).join(Location)
                          .join(ServiceAtLocation).where(ServiceAtLocation.service == service)
                          .tuples()} if service else set())
        for rows, own, noun in ((self.phones, own_phones, "phone number"),
                                (self.addresses, own_addresses, "address")):
            seen = set()
            for entry in rows:
                key = (entry.form.id.data or "").strip()
                if key and (key not in own or key in seen):
                    first = entry.form.number if noun == "phone number" else entry.form.address_1
                    first.errors = list(first.errors) + [
                        f"This {noun} is not one of this service's (it may have been removed): "
                        "reload the page and try again"]
                    ok = False
                seen.add(key)
        for entry in self.addresses:
            lines = entry.form.lines
            if (not entry.form.remove.data and any(lines.values())
                    and not (lines["address_1"] or lines["postal_code"])):
                entry.form.address_1.errors = list(entry.form.address_1.errors) + [
                    "Enter the first line of the address or its postcode"]
                ok = False
        for rows in (self.phones, self.addresses):  # what the error summary lists
            found = [entry.errors for entry in rows.entries]
            rows.errors = found if any(found) else []
        return ok

    def validate_url(self, field):
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a web address starting with https://")

    def validate_maximum_age(self, field):
        if (field.data is not None and self.minimum_age.data is not None
                and field.data < self.minimum_age.data):
            raise ValidationError("The oldest age must not be below the youngest age")


class ConfirmForm(FlaskForm):
    """A button that changes something (verify, archive, confirm an import): CSRF only."""
    version = VersionField()


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
    version = VersionField()

    def __init__(self, *args, service_referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        from models.service_referrals import SERVICE_REFERRAL_STATUSES
        nexts = service_referral.next_statuses if service_referral is not None else ()
        self.status.choices = [(s, SERVICE_REFERRAL_STATUSES[s]) for s in nexts]
