"""Is it an equilibrium? Finite games of protocols, deviation checks, Gambit files (issue 9).

- :mod:`negotiation.analysis.game` walks a protocol on finite grids, through the
  same Protocol/State interface the engine plays, into a finite extensive-form
  game: chance moves for the types and the recognition draws (JSX footnote 10),
  decision nodes, information sets keyed by the mover's observation, payoffs.
- :mod:`negotiation.analysis.profile` reads a strategy profile off the
  strategies' ``act`` at every information set.
- :mod:`negotiation.analysis.deviations` computes beliefs by Bayes' rule on the
  profile (with a chosen off-path rule), each player's best response by
  backward induction, and every profitable one-shot deviation.
- :mod:`negotiation.analysis.efg` writes and reads Gambit's ``.efg`` format;
  :mod:`negotiation.analysis.gambit` solves it with pygambit (optional extra).
"""

from negotiation.analysis.deviations import DeviationReport, check_profile
from negotiation.analysis.game import DEFAULT_MAX_NODES, FiniteGame, build_game, estimate_nodes
from negotiation.analysis.profile import Profile

__all__ = ["DEFAULT_MAX_NODES", "DeviationReport", "FiniteGame", "Profile", "build_game", "check_profile",
           "estimate_nodes"]
