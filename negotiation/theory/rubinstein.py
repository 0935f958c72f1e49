"""Closed forms the JSX paper predicts, for printing beside simulations.

- Rubinstein shares (JSX Theorems 1–2): with a known surplus S̄ and Alice
  proposing at t = 0, Alice gets (1−δ_b)S̄/(1−δ_aδ_b), Bob δ_b(1−δ_a)S̄/(1−δ_aδ_b).
- Their analogue under random recognition of the proposer (JSX footnote 10):
  the stationary values V_a, V_b solving
  V_a = ρ(S − δ_b V_b) + (1−ρ)δ_a V_a and V_b = (1−ρ)(S − δ_a V_a) + ρδ_b V_b,
  where ρ is Alice's probability of being recognized.
- :func:`expected_shares` picks the one the protocol's recognition rule calls for.
- Example 2's bound on the seller's payoff, 10/(1+δ).

The second-best direct mechanism is in :mod:`negotiation.theory.second_best`.
"""

from __future__ import annotations

import functools

import numpy as np

from negotiation.errors import ParameterError, check_discount


def rubinstein_shares(surplus: float, discount_a: float, discount_b: float, first: str = "a") -> tuple[float, float]:
    """(Alice's, Bob's) equilibrium payoffs when ``first`` proposes at t = 0."""
    da = check_discount("discount_a", discount_a)
    db = check_discount("discount_b", discount_b)
    denom = 1.0 - da * db
    if first == "a":
        return (1 - db) * surplus / denom, db * (1 - da) * surplus / denom
    if first == "b":
        return da * (1 - db) * surplus / denom, (1 - da) * surplus / denom
    raise ParameterError("first", f"must be 'a' or 'b', got {first!r}")


def proposer_share(role: str, discount_a: float, discount_b: float) -> float:
    """Fraction of the surplus the proposer ``role`` keeps in the Rubinstein split."""
    da, db = discount_a, discount_b
    return (1 - db) / (1 - da * db) if role == "a" else (1 - da) / (1 - da * db)


def recognition_values(surplus: float, discount_a: float, discount_b: float, p_alice: float) -> tuple[float, float]:
    """Ex-ante values (V_a, V_b) at the start of a period under random recognition.

    The proposer offers the responder exactly its discounted continuation
    δ_j V_j and keeps S − δ_j V_j (stationary subgame-perfect play). The values
    are linear in S, so ``surplus`` may also be an array (one value per entry).
    """
    if not 0.0 <= p_alice <= 1.0:
        raise ParameterError("p_alice", f"must lie in [0, 1], got {p_alice}")
    va, vb = _recognition_unit_values(float(discount_a), float(discount_b), float(p_alice))
    if np.ndim(surplus) == 0:
        return float(va * surplus), float(vb * surplus)
    s = np.asarray(surplus, dtype=float)
    return va * s, vb * s


@functools.lru_cache(maxsize=256)
def _recognition_unit_values(da: float, db: float, r: float) -> tuple[float, float]:
    # [1 − (1−r)δ_a, rδ_b ; (1−r)δ_a, 1 − rδ_b] [V_a, V_b] = [r, 1 − r]  (per unit of surplus)
    m = np.array([[1 - (1 - r) * da, r * db], [(1 - r) * da, 1 - r * db]])
    va, vb = np.linalg.solve(m, np.array([r, 1 - r]))
    return float(va), float(vb)


def continuation_value(role: str, surplus: float, discount_a: float, discount_b: float,
                       recognition: str = "alternating", p_alice: float = 0.5) -> float:
    """Value, discounted one period, of rejecting now and bargaining on over ``surplus``.

    Under alternating offers the rejecter proposes next and keeps its proposer
    share; under random recognition it gets its ex-ante value V_i.
    """
    d = discount_a if role == "a" else discount_b
    if recognition == "random":
        va, vb = recognition_values(surplus, discount_a, discount_b, p_alice)
        return d * (va if role == "a" else vb)
    return d * proposer_share(role, discount_a, discount_b) * surplus


def demand(role: str, surplus: float, discount_a: float, discount_b: float,
           recognition: str = "alternating", p_alice: float = 0.5) -> float:
    """The proposer's Rubinstein demand: the surplus less the responder's continuation."""
    other = "b" if role == "a" else "a"
    return surplus - continuation_value(other, surplus, discount_a, discount_b, recognition, p_alice)


def expected_shares(surplus: float, discount_a: float, discount_b: float, recognition: str = "alternating",
                    p_alice: float = 0.5) -> tuple[float, float]:
    """(Alice's, Bob's) expected payoffs of immediate agreement on a known ``surplus`` at t = 0.

    Alternating offers (Alice proposes at t = 0): the Rubinstein shares. Random recognition
    (footnote 10): the stationary values (V_a, V_b) of :func:`recognition_values`.
    """
    if recognition == "alternating":
        return rubinstein_shares(surplus, discount_a, discount_b)
    if recognition == "random":
        check_discount("discount_a", discount_a)
        check_discount("discount_b", discount_b)
        return recognition_values(surplus, discount_a, discount_b, p_alice)
    raise ParameterError("recognition", f"must be 'alternating' or 'random', got {recognition!r}")


def proposer_split(surplus: float, discount_a: float, discount_b: float, proposer: str,
                   recognition: str = "alternating", p_alice: float = 0.5) -> tuple[float, float]:
    """(Alice's, Bob's) payoffs when ``proposer`` makes the accepted offer at t = 0.

    The responder gets its discounted continuation, the proposer the rest of the surplus.
    """
    if proposer not in ("a", "b"):
        raise ParameterError("proposer", f"must be 'a' or 'b', got {proposer!r}")
    responder = "b" if proposer == "a" else "a"
    r = continuation_value(responder, surplus, discount_a, discount_b, recognition, p_alice)
    return (surplus - r, r) if proposer == "a" else (r, surplus - r)


def example2_seller_bound(discount: float) -> float:
    """JSX Example 2 (appendix proof): the seller's payoff is at least 10/(1+δ)."""
    return 10.0 / (1.0 + check_discount("discount", discount))


def example2_screening_price(high: float, low: float, discount: float) -> float:
    """The common price p̃ of the proof of JSX Example 2.

    10 − p̃ + 2δ/(1+δ) = (12 − δL_s)δ with L_s = 10/(1+δ), written for a buyer
    whose two items are worth ``high`` and ``low`` to him (the seller's cost is 0).
    At p̃ − ε the high-value buyer buys that item now and takes his Rubinstein
    share of the other next period.
    """
    d = check_discount("discount", discount)
    lower = high / (1 + d)
    return high + low * d / (1 + d) - d * (high + low - d * lower)
