"""Letters on the case-work pages: the "Write a letter" button and the list of letters on
a referral, and the letters in a person's subject access export."""
from __future__ import annotations

from models.accounts import User
from models.letters import GeneratedDocument, LetterTemplate, TemplateVersion

from ..access import CASEWORKERS
from ..cases import hooks
from ..formats import format_datetime


def letters_panel(referral, team_ids):
    """The letters written on this referral, newest first (the page is already scoped)."""
    documents = list(GeneratedDocument.select(GeneratedDocument, User, TemplateVersion,
                                              LetterTemplate)
                     .join(User, on=(GeneratedDocument.author == User.id))
                     .switch(GeneratedDocument).join(TemplateVersion).join(LetterTemplate)
                     .where(GeneratedDocument.referral == referral)
                     .order_by(GeneratedDocument.created_at.desc(), GeneratedDocument.id.desc()))
    if not documents:
        return None
    return ("Letters", "letters/_referral_panel.html", {"documents": documents})


def letters_for_export(person):
    """Every letter written about `person`: what, when, by whom, and its fingerprint."""
    rows = [{"written": format_datetime(d.created_at), "letter": d.template_version.template.name,
             "template_version": d.template_version.number, "written_by": d.author.name,
             "file_name": d.file_name, "sha256": d.sha256}
            for d in GeneratedDocument.select(GeneratedDocument, User, TemplateVersion,
                                              LetterTemplate)
            .join(User, on=(GeneratedDocument.author == User.id))
            .switch(GeneratedDocument).join(TemplateVersion).join(LetterTemplate)
            .where(GeneratedDocument.person == person)
            .order_by(GeneratedDocument.created_at)]
    return ("Letters", rows) if rows else None


def register() -> None:
    """Plug letters into the case-work pages (once)."""
    if not any(a.endpoint == "letters.new" for a in hooks.REFERRAL_ACTIONS
               if isinstance(a, hooks.ReferralAction)):
        hooks.REFERRAL_ACTIONS.append(hooks.ReferralAction("Write a letter", "letters.new",
                                                           "referral_id", roles=CASEWORKERS))
    if letters_panel not in hooks.REFERRAL_PANELS:
        hooks.REFERRAL_PANELS.append(letters_panel)
    if letters_for_export not in hooks.SUBJECT_ACCESS_SECTIONS:
        hooks.SUBJECT_ACCESS_SECTIONS.append(letters_for_export)
