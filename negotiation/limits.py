"""Documented size limits, checked where a size parameter enters — before anything is allocated.

Each limit keeps one run within a few hundred megabytes and a few minutes on a laptop; a
value above it is a one-line :class:`~negotiation.errors.ParameterError` naming the parameter
and the limit (the README's "Limits" section lists them). Measured on this project's engine:
theorem-3 at n = 65 536 takes ≈ 0.4 GB and under a minute for two runs; back-and-forth
diplomacy with T = 100 000 rounds ≈ 0.7 GB and minutes for twenty plays, hence 10 000.
"""

#: Items n of a JSX environment (``n_items``; theorem-3/theorem-4's ``ns``; 4 × known-surplus ``copies``).
MAX_ITEMS = 65_536

#: combinatorial-n20's ``n_items``: its theory prints 2^n, the number of bundles an offer prices.
MAX_COMBINATORIAL_ITEMS = 4_096

#: Rounds T of a GM schedule (back-and-forth ``rounds``, Prop. 2's schedule grid).
MAX_ROUNDS = 10_000

#: Points of a demand grid V^{n,Δ} built from a step (theorem-3's ``demand_step``).
MAX_GRID = 2_000_001
