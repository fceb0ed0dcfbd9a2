"""Women's service pathways and the housing placements board."""
from ..access import CASEWORKERS
from . import housing  # noqa: F401  (registers the board's views on bp)
from .routes import bp

try:
    from ..cases.hooks import REFERRAL_ACTIONS, ReferralAction
except ImportError:  # case work is not installed: the pathways pages link to themselves
    pass
else:
    REFERRAL_ACTIONS.append(ReferralAction("Enrol on a pathway", "pathways.enrol",
                                           "referral_id", roles=CASEWORKERS))
    REFERRAL_ACTIONS.append(ReferralAction("Add to the housing waiting list",
                                           "pathways.waiting_from_referral", "referral_id",
                                           roles=housing.BOARD_RUNNERS))

__all__ = ["bp"]
