"""Value distributions F_B, F_S from ``--set``: one scheme for every GM scenario and ``negotiate play``.

GM §2 allows any atomless priors on [0, 1], the buyer's and the seller's separately. On the command
line each party's prior is one of

* ``buyer_beta=[a, b]`` — Beta(a, b), a, b > 0;
* ``buyer_triangular=c`` — triangular on [0, 1] with mode c ∈ [0, 1];
* neither — uniform on [0, 1], the papers' running example (where the closed forms apply);

and ``seller_beta`` / ``seller_triangular`` alike. Giving both for one party is an error.
"""

from __future__ import annotations

from functools import partial

from negotiation.errors import ParameterError, check_number, check_number_list
from negotiation.mediation.distributions import IndependentValues, beta, triangular, uniform


def optional(check):
    """``check`` that lets None (JSON null: "not given") through."""
    return lambda name, value: None if value is None else check(name, value)


_BETA_SHAPES = partial(check_number_list, low=0.0, low_open=True, length=2)
_MODE = partial(check_number, low=0.0, high=1.0)

#: The parameters, all "not given" by default (uniform values).
VALUE_DEFAULTS = {"buyer_beta": None, "seller_beta": None, "buyer_triangular": None, "seller_triangular": None}
#: Their checks (``check(name, value) -> value``).
VALUE_SPECS = {"buyer_beta": optional(_BETA_SHAPES), "seller_beta": optional(_BETA_SHAPES),
               "buyer_triangular": optional(_MODE), "seller_triangular": optional(_MODE)}


def distribution_from(params: dict, role: str):
    """``role``'s ("buyer" or "seller") value distribution from the settings in ``params``."""
    shapes, mode = params.get(f"{role}_beta"), params.get(f"{role}_triangular")
    if shapes is not None and mode is not None:
        raise ParameterError(f"{role}_triangular", f"give {role}_beta or {role}_triangular, not both")
    if shapes is not None:
        return beta(*_BETA_SHAPES(f"{role}_beta", shapes))
    return uniform() if mode is None else triangular(_MODE(f"{role}_triangular", mode))


def values_from(params: dict):
    """IndependentValues(F_B, F_S) from the settings, or None when both are uniform (nothing given)."""
    if all(params.get(k) is None for k in VALUE_DEFAULTS):
        return None
    return IndependentValues(distribution_from(params, "buyer"), distribution_from(params, "seller"))


def priors_label(params: dict) -> str:
    """"F_B = Beta(2.0, 3.0), F_S = uniform" for the settings in ``params``."""
    def one(role):
        shapes, mode = params.get(f"{role}_beta"), params.get(f"{role}_triangular")
        return (f"Beta{tuple(shapes)}" if shapes is not None else
                f"triangular({mode:g})" if mode is not None else "uniform")
    return f"F_B = {one('buyer')}, F_S = {one('seller')}"
