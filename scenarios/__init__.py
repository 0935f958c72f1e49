"""Runnable paper examples; importing the package registers them all."""

from scenarios import jsx_example2, jsx_examples_3_4, jsx_known_surplus, jsx_second_best  # noqa: F401
from scenarios import jsx_theorem3  # noqa: F401,E402
from scenarios import gm_mediation  # noqa: F401,E402
from scenarios import jsx_section61, jsx_theorems45  # noqa: F401,E402
from scenarios import jsx_theorem4  # noqa: F401,E402
from scenarios import vartiainen_grid  # noqa: F401,E402
from scenarios import peski_random_proposer  # noqa: F401,E402
from scenarios import jsx_proposition1  # noqa: F401,E402
