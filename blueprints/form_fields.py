"""Form field types and validators shared by several parts."""
from __future__ import annotations

import re

from wtforms import HiddenField, IntegerField, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as NHS.UK checkboxes (rendered by the field macro)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # WTForms' own message repeats the submitted value; ours does not echo input.
        try:
            super().pre_validate(form)
        except ValueError:
            raise ValidationError(f"Choose {self.label.text.lower()} from the list") from None


class VersionField(HiddenField):
    """The version of the record a form was loaded from (optimistic locking), as the
    digits it was sent as. Anything else reads as "0", which no record has, so a garbled
    form is refused as stale rather than failing or overwriting."""

    def process_formdata(self, valuelist):
        value = (valuelist[0] if valuelist else "") or ""
        ok = value.isascii() and value.isdecimal() and len(value) < 10
        self.data = value if ok else "0"


# Characters no XML document may hold (so no DOCX either), beside the C0 and C1 controls:
# surrogates and the two non-characters U+FFFE and U+FFFF.
NOT_FOR_DOCUMENTS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class NoControlCharacters:
    """Refuse text with control characters other than tab and line breaks, or with
    characters a document cannot hold (a note must still print in a subject access
    export or a letter)."""

    def __init__(self, message: str | None = None):
        self.message = message

    def __call__(self, form, field):
        value = field.data or ""
        if not isinstance(value, str):
            return
        if NOT_FOR_DOCUMENTS.search(value):
            # Stop here: later validators (some query the database) never see such text.
            raise StopValidation(self.message or
                                 f"{field.label.text} must not contain control characters")


class WholeNumberField(IntegerField):
    """An integer field whose error for non-numbers is ours (WTForms' is terse)."""

    def __init__(self, label=None, validators=None, invalid_message="Enter a whole number",
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None
