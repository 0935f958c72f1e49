"""One module per negotiation protocol; importing the package registers them all."""

from protocols import combinatorial, item_by_item, share_demanding  # noqa: F401
from protocols import frequency  # noqa: F401,E402
