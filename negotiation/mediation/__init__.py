"""Theory layer of mediation: Gottardi & Mezzetti (2024), "Shuttle diplomacy"."""
from negotiation.mediation.distributions import *  # noqa: F401,F403
from negotiation.mediation.toolkit import *  # noqa: F401,F403
from negotiation.mediation.kernels import *  # noqa: F401,F403
