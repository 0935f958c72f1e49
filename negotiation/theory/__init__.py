"""Closed forms and solvers per paper (DESIGN.md, ``negotiation/theory/``).

- :mod:`.rubinstein` — Rubinstein shares and their random-recognition analogue, JSX Example 2's
  bounds (what ``negotiation/theory.py`` held; every public name is re-exported here, so
  ``from negotiation.theory import rubinstein_shares`` keeps working);
- :mod:`.second_best` — the second-best direct mechanism for one decision, as an LP;
- :mod:`.vartiainen` — the incentive-efficient mechanism on value grids (Vartiainen 2014 §5);
- :mod:`.peski` — monopoly payoffs, random-monopoly bounds, E(p, β) and the gap (Pęski 2024 §3–4).
"""

from negotiation.theory.rubinstein import (continuation_value, demand, example2_screening_price,  # noqa: F401
                                           example2_seller_bound, expected_shares, proposer_share, proposer_split,
                                           recognition_values, rubinstein_shares)

__all__ = ["continuation_value", "demand", "example2_screening_price", "example2_seller_bound", "expected_shares",
           "proposer_share", "proposer_split", "recognition_values", "rubinstein_shares"]
