"""Negotiation problems (n, u, X, Θ, f) of Jackson–Sonnenschein–Xing §3.1–3.2.

An :class:`Environment` holds the number of items n, the per-item choice set X,
the per-item type sets Θ_a and Θ_b, the utilities u_a(x_k, θ_ak) and
u_b(x_k, θ_bk), a prior f over type profiles (:mod:`negotiation.priors`) and the
discount factors (δ_a, δ_b).

Types are stored as integer *indices* into Θ_a and Θ_b and utilities as
tables ``ua[x, i] = u_a(X[x], Θ_a[i])``, so that every computation over n
items is one numpy gather: the share-demanding benchmark runs n = 100,000 items.
The *null choice* (no trade, no investment, no task) gives both parties 0;
items that are never agreed end at the null choice (JSX footnote 8).

Utilities that are not additively separable across items (JSX §4.4, the
combinatorial protocol) are given as ``joint_u_a(x, theta_a)`` and
``joint_u_b(x, theta_b)`` over whole choice vectors; the surplus is then found by
enumerating X^n, which is only possible for small n and says so when it is not.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from negotiation.errors import ParameterError, check_discount, check_int, check_number, check_number_list
from negotiation.limits import MAX_ITEMS
from negotiation.smallarrays import total

#: Largest |X|^n the environment will enumerate for non-additive utilities.
MAX_ENUMERATION = 1 << 20


@dataclass(frozen=True)
class TypeProfile:
    """One draw of types: index arrays into Θ_a and Θ_b, one entry per item."""

    a: np.ndarray
    b: np.ndarray

    def of(self, role: str) -> np.ndarray:
        return self.a if role == "a" else self.b


@dataclass(eq=False)
class Environment:
    """A multi-item negotiation problem (JSX §3.1–3.2).

    Parameters
    ----------
    n_items: number of items n >= 1.
    choices: labels of the per-item choice set X (non-empty).
    types_a, types_b: the per-item type values Θ_a, Θ_b (non-empty).
    ua, ub: utility tables of shape (|X|, |Θ_a|) and (|X|, |Θ_b|).
    prior: a prior over type profiles (see :mod:`negotiation.priors`).
    discount_a, discount_b: δ_a, δ_b in (0, 1).
    null_choice: index in X of the choice that gives both parties 0.
    joint_u_a, joint_u_b: optional non-additive utilities over whole choice
        vectors (index tuples) and whole type vectors (index arrays).
    """

    n_items: int
    choices: tuple
    types_a: tuple
    types_b: tuple
    ua: np.ndarray
    ub: np.ndarray
    prior: object
    discount_a: float = 0.9
    discount_b: float = 0.9
    null_choice: int = 0
    name: str = "custom"
    joint_u_a: Callable | None = None
    joint_u_b: Callable | None = None
    welfare: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        self.n_items = check_int("n_items", self.n_items, 1, MAX_ITEMS)     # negotiation.limits
        for name in ("choices", "types_a", "types_b"):
            value = getattr(self, name)
            if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or not hasattr(value, "__iter__"):
                raise ParameterError(name, f"must be a non-empty list of labels, got {value!r}")
        if len(self.choices) == 0:
            raise ParameterError("choices", "the choice set X must not be empty")
        if len(self.types_a) == 0 or len(self.types_b) == 0:
            raise ParameterError("types", "the type sets Θ_a and Θ_b must not be empty")
        self.choices = tuple(self.choices)
        self.types_a = tuple(self.types_a)
        self.types_b = tuple(self.types_b)
        for name in ("ua", "ub"):
            try:
                table = np.asarray(getattr(self, name), dtype=float)
            except (TypeError, ValueError):
                raise ParameterError(name, "must be a table of numbers (|X| rows, one column per type)") from None
            if not np.all(np.isfinite(table)):
                raise ParameterError(name, "utilities must be finite numbers (no NaN or infinity)")
            setattr(self, name, table)
        if self.ua.shape != (len(self.choices), len(self.types_a)):
            raise ParameterError("ua", f"must have shape (|X|, |Θ_a|) = {(len(self.choices), len(self.types_a))}, got {self.ua.shape}")
        if self.ub.shape != (len(self.choices), len(self.types_b)):
            raise ParameterError("ub", f"must have shape (|X|, |Θ_b|) = {(len(self.choices), len(self.types_b))}, got {self.ub.shape}")
        self.null_choice = check_int("null_choice", self.null_choice)
        if not 0 <= self.null_choice < len(self.choices):
            raise ParameterError("null_choice", f"must index X (0..{len(self.choices) - 1}), got {self.null_choice}")
        if np.any(self.ua[self.null_choice] != 0) or np.any(self.ub[self.null_choice] != 0):
            raise ParameterError("null_choice", "the null choice must give both parties utility 0")
        self.discount_a = check_discount("discount_a", self.discount_a)
        self.discount_b = check_discount("discount_b", self.discount_b)
        # welfare[x, i, j] = u_a(x, Θ_a[i]) + u_b(x, Θ_b[j]); per-item surplus S(θ_ak, θ_bk) is its max over x.
        self.welfare = self.ua[:, :, None] + self.ub[:, None, :]
        self.item_surplus = self.welfare.max(axis=0)
        self.item_efficient = self.welfare.argmax(axis=0)
        self._memo: dict = {}
        if self.is_additive and np.any(self.item_surplus < -1e-12):
            raise ParameterError("utilities", "JSX §3.2 assumes S(θ_ak, θ_bk) >= 0 for every type pair")
        if not callable(getattr(self.prior, "sample", None)) or not callable(getattr(self.prior, "expected_surplus",
                                                                                   None)):
            raise ParameterError("prior", f"must be a prior over type profiles (IIDPrior, ExchangeablePrior, JointPMF, "
                                          f"CommonShockPrior), got {self.prior!r}")
        if hasattr(self.prior, "validate"):
            self.prior.validate(self)

    # ------------------------------------------------------------------ basics
    @property
    def is_additive(self) -> bool:
        return self.joint_u_a is None and self.joint_u_b is None

    def discount(self, role: str) -> float:
        return self.discount_a if role == "a" else self.discount_b

    def table(self, role: str) -> np.ndarray:
        """The utility table u_role[x, type index]."""
        return self.ua if role == "a" else self.ub

    def types(self, role: str) -> tuple:
        return self.types_a if role == "a" else self.types_b

    def sample_types(self, rng: np.random.Generator) -> TypeProfile:
        """Draw a type profile from the prior (all randomness through ``rng``)."""
        a, b = self.prior.sample(rng, self.n_items)
        return TypeProfile(np.asarray(a, dtype=np.intp), np.asarray(b, dtype=np.intp))

    def check_types(self, types: TypeProfile) -> TypeProfile:
        """Check a user-given type profile has length n and indexes Θ."""
        out = []
        for role, arr, k in (("a", types.a, len(self.types_a)), ("b", types.b, len(self.types_b))):
            arr = np.asarray(arr)
            if arr.shape != (self.n_items,):
                raise ParameterError(f"types_{role}", f"must have one type per item (length {self.n_items}), got shape {arr.shape}")
            if arr.dtype.kind not in "iu":
                # Float indices are accepted only when they are whole numbers (never truncated).
                if arr.dtype.kind != "f" or not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
                    raise ParameterError(f"types_{role}", f"type indices must be integers in 0..{k - 1}, got "
                                                          f"{arr.tolist()[:8]}")
            if arr.size and (arr.min() < 0 or arr.max() >= k):
                raise ParameterError(f"types_{role}", f"type indices must lie in 0..{k - 1}")
            out.append(arr.astype(np.intp, copy=False))
        return TypeProfile(*out)

    def type_index(self, role: str, values: Sequence) -> np.ndarray:
        """Indices of the given type *values* (e.g. (0, 8, 8)) in Θ_role."""
        lookup = {v: i for i, v in enumerate(self.types(role))}
        try:
            return np.array([lookup[v] for v in values], dtype=np.intp)
        except KeyError as e:
            raise ParameterError(f"types_{role}", f"{e.args[0]!r} is not in Θ_{role} = {self.types(role)}") from None

    # --------------------------------------------------------------- utilities
    def utility(self, role: str, x: np.ndarray, theta: np.ndarray, items: np.ndarray | None = None) -> float:
        """u_role(x, θ) summed over ``items`` (all items when None).

        ``x`` and ``theta`` are index arrays aligned with ``items``.
        """
        if not self.is_additive:
            if items is not None and len(items) != self.n_items:
                raise ParameterError("items", "non-additive utilities are only defined on all n items at once")
            fn = self.joint_u_a if role == "a" else self.joint_u_b
            return float(fn(tuple(int(v) for v in x), np.asarray(theta)))
        return total(self.table(role)[x, theta])

    def surplus(self, types: TypeProfile, items: np.ndarray | None = None) -> float:
        """First-best surplus S(θ_a, θ_b) over ``items`` (JSX §3.2)."""
        if not self.is_additive:
            return self.efficient_joint(types)[1]
        a, b = (types.a, types.b) if items is None else (types.a[items], types.b[items])
        return total(self.item_surplus[a, b])

    def efficient_choices(self, types: TypeProfile) -> np.ndarray:
        """An efficient joint choice (index per item) for the true types."""
        if not self.is_additive:
            return np.array(self.efficient_joint(types)[0], dtype=np.intp)
        return self.item_efficient[types.a, types.b]

    def best_choices(self, offerer: str, announced: np.ndarray, own: np.ndarray) -> np.ndarray:
        """Choices maximizing u_offerer(x, announced) + u_responder(x, own), item by item.

        This is the responder's efficient pick in the share-demanding protocol
        (JSX §3.3.3): O(n·|X|).
        """
        # The per-item efficient choice table answers it with one gather.
        return self.item_efficient[announced, own] if offerer == "a" else self.item_efficient[own, announced]

    def efficient_joint(self, types: TypeProfile) -> tuple[tuple, float]:
        """Enumerate X^n for non-additive utilities; returns (best x, surplus)."""
        size = len(self.choices) ** self.n_items
        if size > MAX_ENUMERATION:
            raise ParameterError("n_items", f"non-additive utilities need |X|^n <= {MAX_ENUMERATION} to enumerate, got {size}")
        best, best_w = None, -np.inf
        for x in itertools.product(range(len(self.choices)), repeat=self.n_items):
            w = self.joint_u_a(x, types.a) + self.joint_u_b(x, types.b)
            if w > best_w:
                best, best_w = x, w
        return best, float(best_w)

    def expected_surplus(self) -> float:
        """E[S(θ_a, θ_b)] under the prior."""
        return float(self.prior.expected_surplus(self))

    def item_surplus_given(self, role: str, own: np.ndarray) -> np.ndarray:
        """E[S(θ_ak, θ_bk) | own types of ``role``], item by item (for additive problems).

        Memoised for small n: strategies ask for it at every move. The result
        is read-only.
        """
        if self.n_items > 64:
            return np.asarray(self.prior.item_surplus_given(self, role, own), dtype=float)
        key = (role, np.asarray(own).tobytes())
        hit = self._memo.get(key)
        if hit is None:
            hit = np.asarray(self.prior.item_surplus_given(self, role, own), dtype=float)
            hit.flags.writeable = False
            self._memo[key] = hit
        return hit

    def with_params(self, **changes) -> "Environment":
        """A copy with some fields replaced (used by ``--set``)."""
        kw = {f: getattr(self, f) for f in ("n_items", "choices", "types_a", "types_b", "ua", "ub", "prior",
                                              "discount_a", "discount_b", "null_choice", "name", "joint_u_a", "joint_u_b")}
        kw.update(changes)
        return Environment(**kw)


# ---------------------------------------------------------------- factories
def _table(choices, types, fn) -> np.ndarray:
    return np.array([[fn(x, t) for t in types] for x in choices], dtype=float)


def _factory_discounts(discount, discount_a, discount_b) -> tuple:
    """(δ_a, δ_b) of a factory: ``discount`` for each one not given (checked by Environment as δ_a, δ_b)."""
    return (discount_a if discount_a is not None else discount,
            discount_b if discount_b is not None else discount)


def exchange(n_items: int = 1, prior=None, discount: float = 0.9, discount_a=None, discount_b=None,
             seller_costs=(0, 8), buyer_values=(2, 10)) -> Environment:
    """Exchange of private goods (JSX §2.1): Alice sells rugs to Bob.

    X = {no trade, trade}; u_a(trade, θ_a) = −θ_a (her value for the rug),
    u_b(trade, θ_b) = θ_b. The price is the transfer from Bob to Alice.
    Default prior: types i.i.d. and equally likely, as in §2.1.
    """
    from negotiation.priors import IIDPrior

    choices = ("no trade", "trade")
    check_number_list("seller_costs", seller_costs)      # validated; the labels are kept as given
    seller_costs = tuple(seller_costs)
    check_number_list("buyer_values", buyer_values)      # validated; the labels are kept as given
    buyer_values = tuple(buyer_values)
    da, db = _factory_discounts(discount, discount_a, discount_b)
    ua = _table(choices, seller_costs, lambda x, t: -t if x == "trade" else 0.0)
    ub = _table(choices, buyer_values, lambda x, t: t if x == "trade" else 0.0)
    prior = IIDPrior.uniform(len(seller_costs), len(buyer_values)) if prior is None else prior
    return Environment(n_items, choices, seller_costs, buyer_values, ua, ub, prior, da, db, 0, "exchange")


def public_goods(n_items: int = 1, prior=None, discount: float = 0.9, discount_a=None, discount_b=None,
                 benefits=(0, 8), cost: float = 6.0) -> Environment:
    """Public good provision / household investments (JSX §2.2.1).

    X = {0, 1} (invest or not); project cost c = 6 shared equally, so
    u_i(1, θ_i) = θ_i − c/2 and u_i(0, θ_i) = 0.
    """
    from negotiation.priors import IIDPrior

    choices = (0, 1)
    check_number_list("benefits", benefits)      # validated; the labels are kept as given
    benefits = tuple(benefits)
    cost = check_number("cost", cost, low=0.0)      # a cost: a negative one would be a subsidy
    da, db = _factory_discounts(discount, discount_a, discount_b)
    u = _table(choices, benefits, lambda x, t: (t - cost / 2) if x == 1 else 0.0)
    prior = IIDPrior.uniform(len(benefits), len(benefits)) if prior is None else prior
    return Environment(n_items, choices, benefits, benefits, u, u.copy(), prior, da, db, 0, "public-goods")


def task_assignment(n_items: int = 1, prior=None, discount: float = 0.9, discount_a=None, discount_b=None,
                    benefit: float = 6.0, solo_cost: float = 10.0, joint_cost: float = 2.0) -> Environment:
    """Task assignment / household chores (JSX §2.2.2).

    X = {0, a, b, ab}; θ_ik ∈ {0, 1} (1 = competent). Both partners get 6 from a
    completed task; it costs 10 done alone by a competent worker and 2 (1 each)
    done jointly by two competent workers; an incompetent worker fails.

    In the paper the non-worker's benefit depends on the *worker's* competence,
    but the JSX framework has private values u_i(x_k, θ_ik). We therefore book
    the partner's benefit 6 as certain whenever the other works alone, and let a
    worker whose task fails bear what was lost: an incompetent solo worker gets
    −10 − 6 = −16, and an incompetent joint worker −1 − 6 − 5 = −12 (own cost,
    own lost benefit, the partner's lost net benefit), so that a failed task
    never has positive welfare. Every *efficient* choice and the
    surplus table of §2.2.3 are unchanged by this bookkeeping.
    """
    from negotiation.priors import IIDPrior

    choices = ("none", "a", "b", "ab")
    types = (0, 1)
    benefit = check_number("benefit", benefit)
    solo_cost = check_number("solo_cost", solo_cost, low=0.0)     # costs: a negative one would be a gift
    joint_cost = check_number("joint_cost", joint_cost, low=0.0)
    da, db = _factory_discounts(discount, discount_a, discount_b)

    def u_self(x, t, me):
        if x == "none":
            return 0.0
        if x == me:  # working alone
            return benefit - solo_cost if t == 1 else -solo_cost - benefit
        if x == "ab":
            # competent: benefit minus own half of the joint cost; incompetent:
            # own cost plus the partner's lost benefit and share (welfare <= 0).
            return benefit - joint_cost / 2 if t == 1 else -(joint_cost / 2) - benefit - (benefit - joint_cost / 2)
        return benefit  # the partner works alone

    ua = _table(choices, types, lambda x, t: u_self(x, t, "a"))
    ub = _table(choices, types, lambda x, t: u_self(x, t, "b"))
    prior = IIDPrior.uniform(2, 2) if prior is None else prior
    return Environment(n_items, choices, types, types, ua, ub, prior, da, db, 0, "task-assignment")


def relabelled_surplus_table(env: Environment) -> np.ndarray:
    """The 2×2 surplus table of JSX §2.2.3 with rows/cols ordered (h, l).

    h is the type that generates more surplus (footnote 7).
    """
    s = env.item_surplus
    ra = np.argsort(-s.sum(axis=1), kind="stable")
    rb = np.argsort(-s.sum(axis=0), kind="stable")
    return s[np.ix_(ra, rb)]


ENVIRONMENTS = {"exchange": exchange, "public-goods": public_goods, "task-assignment": task_assignment}
