"""Theory layer of mediation: Gottardi & Mezzetti (2024), "Shuttle diplomacy" (GM).

Three modules, one job each:

* :mod:`~negotiation.mediation.distributions` — value distributions F_B, F_S on [0, 1]
  (scipy.stats frozen objects, validated), independent and correlated pairs (§4.3), the
  private-signal model (§4.2) and the conditional expectations of eqs. (1)–(8) by quadrature;
* :mod:`~negotiation.mediation.toolkit` — the mediator's design toolkit: schedules (α_t, β_t),
  the incentive check of (3) and (5), the price interval (7), Prop. 2's schedule builder, the
  fair price (8) and Prop. 3, λ* of §4.2, static mediation (Prop. 6), the single-round price
  (Prop. 5), the partnership bid (§5.3), first and second best (fn. 19);
* :mod:`~negotiation.mediation.kernels` — vectorized batch kernels of the procedures under
  their equilibrium strategies, for million-draw sweeps, and :func:`summarize`.

Everything public is re-exported here.
"""

from negotiation.mediation.distributions import *
from negotiation.mediation.distributions import __all__ as _distributions_all
from negotiation.mediation.kernels import *
from negotiation.mediation.kernels import __all__ as _kernels_all
from negotiation.mediation.toolkit import *
from negotiation.mediation.toolkit import __all__ as _toolkit_all

__all__ = list(_distributions_all) + list(_toolkit_all) + list(_kernels_all)
