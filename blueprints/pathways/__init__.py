"""Women's service pathways and the housing placements board."""
from ..access import CASEWORKERS
from . import housing  # noqa: F401  (registers the board's views on bp)
from .routes import bp

try:
    from ..cases.hooks import (PERSON_PANELS, REFERRAL_ACTIONS, SUBJECT_ACCESS_SECTIONS,
                               ReferralAction)
except ImportError:  # case work is not installed: the pathways pages link to themselves
    pass
else:
    REFERRAL_ACTIONS.append(ReferralAction("Enrol on a pathway", "pathways.enrol",
                                           "referral_id", roles=CASEWORKERS))
    REFERRAL_ACTIONS.append(ReferralAction("Add to the housing waiting list",
                                           "pathways.waiting_from_referral", "referral_id",
                                           roles=housing.BOARD_RUNNERS))
    from .case_hooks import housing_for_export, pathways_for_export, pathways_panel
    PERSON_PANELS.append(pathways_panel)
    SUBJECT_ACCESS_SECTIONS.extend([pathways_for_export, housing_for_export])

__all__ = ["bp"]
