"""Strategies, one small class each; importing the package registers them all."""

from agents import baselines, rubinstein, screening  # noqa: F401
from agents import bayesian, trembling  # noqa: F401,E402
from agents import mediation  # noqa: F401,E402
from agents import category  # noqa: F401,E402
from agents import deferrer  # noqa: F401,E402
from agents import peski  # noqa: F401,E402
from agents import vartiainen  # noqa: F401,E402
from agents import example3  # noqa: F401,E402
from agents import time_dependent  # noqa: F401,E402
