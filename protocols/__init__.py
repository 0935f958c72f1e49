"""One module per negotiation protocol; importing the package registers them all."""

from protocols import combinatorial, item_by_item, share_demanding  # noqa: F401
from protocols import frequency  # noqa: F401,E402
from protocols import back_and_forth, partnership, shuttle, single_round, static_mediation  # noqa: F401,E402
from protocols import menu  # noqa: F401,E402
from protocols import random_proposer  # noqa: F401,E402
from protocols import mediated_revelation  # noqa: F401,E402
