"""The finite game of a protocol (issue 9, part 1).

:func:`build_game` walks every history of a protocol through the same
Protocol/State interface the engine plays (``protocol.start``, ``mover()``,
``action_space().enumerate()``, ``apply()``, ``observation(role)``,
``outcome()``) into an extensive-form game (Kuhn's tree):

- the root is a chance move over the type profiles of the prior (all of them,
  with their probabilities: :func:`type_profiles`);
- a recognition draw (JSX footnote 10, ``recognition="random"``) is a chance
  move with probabilities p_alice and 1 − p_alice; the state draws it through
  its generator, which the walk replaces by a scripted one;
- a decision node belongs to the state's mover; its information set is keyed
  by the mover's observation (own types, period, phase, open items, public
  history, pending offer), which is all a strategy is shown;
- a leaf pays ``outcome()``'s discounted payoffs (δ^t as the engine does).

The game is finite because prices and demands lie on grids (``price_grid``,
``demand_grid``) and the protocol has a period cap (``max_periods``; items not
agreed give 0, footnote 8).  Alternatively ``horizon=T`` stops the walk at
period T and values each state there by letting ``continuation`` (a
:class:`~negotiation.analysis.profile.Profile`) play on to the protocol's cap —
the game in which one-shot deviations in the first T periods are checked
against the profile's own continuation (the one-shot-deviation principle of a
discounted game).

The size is estimated before building (Knuth's estimator over random paths)
and the walk refuses above ``max_nodes`` (default 200,000), raising a one-line
ParameterError the user can act on.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from negotiation.actions import PriceOffer, PriceOfferSpace
from negotiation.environment import TypeProfile
from negotiation.errors import ParameterError, check_int

DEFAULT_MAX_NODES = 200_000
#: Random root-to-leaf paths used to estimate the tree size.
ESTIMATE_PROBES = 64


# ----------------------------------------------------------------- the tree
@dataclass(eq=False)
class Node:
    parent: int
    kind: str                       # "chance", "move" or "leaf"
    depth: int
    period: int
    player: str | None = None       # the mover at a "move" node
    infoset: int = -1
    labels: list = field(default_factory=list)     # edge labels, aligned with children
    children: list = field(default_factory=list)
    probs: list | None = None       # chance probabilities
    payoff: tuple | None = None     # (Alice, Bob) at a leaf
    types: int = -1                 # index into FiniteGame.profiles
    public: int = 0                 # id of the public history (shared by nodes with the same one)
    outcome: str = ""               # at a leaf: the agreements, in words


@dataclass(eq=False)
class InfoSet:
    id: int
    player: str
    key: tuple
    nodes: list
    labels: list                    # action labels, the same at every node of the set
    actions: list                   # the action objects
    obs: object                     # the mover's observation (of the first node)
    space: object
    earlier: list                   # (obs, space) of the mover's earlier moves on the path
    behaviour: dict | None = None   # {label: probability} of the profile, when one was given

    @property
    def period(self) -> int:
        return self.obs.period

    def describe(self) -> str:
        o = self.obs
        own = ",".join(str(o.env.types(o.role)[i]) for i in np.asarray(o.own_types).tolist())
        hist = " ".join(f"t{t}:{r}:{label_of(a)}" for t, r, a in o.history) or "(start)"
        offer = f" facing {label_of(o.offer)}" if o.offer is not None else ""
        who = "Alice" if o.role == "a" else "Bob"
        return f"{who} (types {own}) at t={o.period} {o.phase}{offer}; history {hist}"


@dataclass(eq=False)
class FiniteGame:
    protocol: object
    env: object
    nodes: list
    infosets: list
    profiles: list                  # [(TypeProfile, probability)]
    horizon: int | None
    continuation: bool

    def counts(self) -> dict:
        kinds = {"chance": 0, "move": 0, "leaf": 0}
        for n in self.nodes:
            kinds[n.kind] += 1
        return {"nodes": len(self.nodes), **kinds, "infosets": len(self.infosets)}


# --------------------------------------------------------------- labels
def label_of(action) -> str:
    """A name for an action, equal for equal actions (edge labels, information-set keys).

    Combinatorial offers are named by the function's values over X^m (two offers
    that price every joint choice alike are the same offer), everything else by ``key()``.
    """
    if isinstance(action, PriceOffer):
        m, k = np.asarray(action.table).shape
        if k ** m <= 64:
            vals = [action.price(np.array(x)) for x in itertools.product(range(k), repeat=m)]
            return "p(" + ",".join(f"{v:.6g}" for v in vals) + ")"
    return action.key()


def _canon(value):
    if isinstance(value, np.ndarray):
        return tuple(value.tolist())
    if isinstance(value, (list, tuple)):
        return tuple(_canon(v) for v in value)
    if hasattr(value, "key") and callable(value.key):
        return label_of(value)
    return value


def infoset_key(obs) -> tuple:
    """The mover's observation as a hashable key: everything a strategy is shown but the shared objects."""
    skip = ("env", "protocol", "memo")
    return tuple((f.name, _canon(getattr(obs, f.name))) for f in dataclasses.fields(obs) if f.name not in skip)


# ------------------------------------------------------------ the prior
def type_profiles(env, limit: int = DEFAULT_MAX_NODES) -> list[tuple[TypeProfile, float]]:
    """Every type profile with positive prior probability, with that probability (JSX §3.2's f)."""
    prior, n = env.prior, env.n_items
    out: dict = {}

    def add(a, b, p):
        if p > 0:
            k = (tuple(int(v) for v in a), tuple(int(v) for v in b))
            out[k] = out.get(k, 0.0) + float(p)

    if hasattr(prior, "probs") and hasattr(prior, "a") and hasattr(prior, "b"):          # JointPMF
        for a, b, p in zip(prior.a, prior.b, prior.probs):
            add(a, b, p)
    elif hasattr(prior, "matchups"):                                                       # ExchangeablePrior
        m = [tuple(r) for r in prior.matchups.tolist()]
        perms = math.factorial(len(m))
        if perms > limit:
            raise ParameterError("n_items", f"an exchangeable prior over {len(m)} items has {perms} orders; "
                                            f"at most {limit} type profiles are enumerated")
        for order in itertools.permutations(range(len(m))):
            add([m[i][0] for i in order], [m[i][1] for i in order], 1.0 / perms)
    elif hasattr(prior, "joint") or hasattr(prior, "joints"):                              # IID / common shock
        joints = [prior.joint] if hasattr(prior, "joint") else list(prior.joints)
        weights = [1.0] if hasattr(prior, "joint") else list(prior.shock_probs)
        cells = [(i, j) for i in range(joints[0].shape[0]) for j in range(joints[0].shape[1])]
        if len(cells) ** n > limit:
            raise ParameterError("n_items", f"{len(cells)}^{n} type profiles exceed the limit {limit}")
        for combo in itertools.product(range(len(cells)), repeat=n):
            p = sum(w * float(np.prod([jt[cells[c]] for c in combo])) for w, jt in zip(weights, joints))
            add([cells[c][0] for c in combo], [cells[c][1] for c in combo], p)
    else:
        raise ParameterError("prior", f"{type(prior).__name__} has no finite support to enumerate")
    return [(TypeProfile(np.array(a, dtype=np.intp), np.array(b, dtype=np.intp)), p) for (a, b), p in out.items()]


# ------------------------------------------------------- state handling
class _NeedDraw(Exception):
    """The state asked its generator for a draw the script does not have: a chance move."""


class _ScriptedDraws:
    """Stands in for a state's generator: ``random()`` answers from a script (recognition draws)."""

    def __init__(self, script=()):
        self.script = list(script)

    def random(self):
        if not self.script:
            raise _NeedDraw
        return self.script.pop(0)

    def __getattr__(self, name):
        raise ParameterError("protocol", f"draws {name}() from its generator; the finite game models only the "
                                         f"recognition draws of JSX footnote 10 (random())")


def _recognition_outcomes(protocol) -> list[tuple[float, float, str]]:
    """(scripted value, probability, label) of a recognition draw: Alice proposes iff random() < p_alice."""
    p = float(protocol.p_alice)
    return [(u, q, lab) for u, q, lab in ((0.0, p, "a proposes"), (p, 1.0 - p, "b proposes")) if q > 0]


def clone_state(state):
    """A copy of ``state`` that ``apply`` can move on without touching the original.

    States may define ``clone()``; otherwise lists, sets, arrays and dicts (one level of nested
    dicts: per-role memos) are copied and everything else (environment, protocol, actions) shared.
    """
    if hasattr(state, "clone"):
        return state.clone()
    new = copy.copy(state)
    for k, v in vars(state).items():
        if isinstance(v, (list, set)):
            setattr(new, k, type(v)(v))
        elif isinstance(v, np.ndarray):
            setattr(new, k, v.copy())
        elif isinstance(v, dict):
            setattr(new, k, {kk: (dict(vv) if isinstance(vv, dict) else vv) for kk, vv in v.items()})
    return new


def _apply_branches(protocol, state, action) -> list[tuple[object, float | None, str | None]]:
    """[(next state, chance probability, chance label)]: one entry, or one per recognition outcome."""
    nxt = clone_state(state)
    nxt.rng = _ScriptedDraws()
    try:
        nxt.apply(action)
        return [(nxt, None, None)]
    except _NeedDraw:
        pass
    out = []
    for u, q, lab in _recognition_outcomes(protocol):
        nxt = clone_state(state)
        nxt.rng = _ScriptedDraws([u])
        nxt.apply(action)
        out.append((nxt, q, lab))
    return out


def _start_branches(protocol, env, types) -> list[tuple[object, float | None, str | None]]:
    try:
        return [(protocol.start(env, types, _ScriptedDraws()), None, None)]
    except _NeedDraw:
        return [(protocol.start(env, types, _ScriptedDraws([u])), q, lab)
                for u, q, lab in _recognition_outcomes(protocol)]


_GRID_OF = {"prices": "price_grid", "demands": "demand_grid"}


def enumerate_actions(space, keep=None) -> list:
    """Every action of a finite space (that ``keep`` accepts), or a ParameterError naming the grid to set."""
    acts = _enumerate(space)
    return acts if keep is None else [a for a in acts if keep(a)]


def _enumerate(space) -> list:
    for attr, grid in _GRID_OF.items():
        values = getattr(space, attr, None)
        if values is not None and getattr(values, "grid", ()) is None:
            raise ParameterError(grid, f"{type(space).__name__} draws from the interval [{values.low:g}, "
                                       f"{values.high:g}]; set {grid} (a JSON list) to make the game finite")
    if isinstance(space, PriceOfferSpace):
        return list(_price_functions(space))
    return list(space.enumerate())


def _price_functions(space: PriceOfferSpace):
    """Every price function p: X^m → P^Δ of a combinatorial offer (JSX §3.3.2) on a grid."""
    m, k, grid = space.n_open, space.n_choices, space.prices.grid
    count = len(grid) ** (k ** m)
    if count > 100_000:
        raise ParameterError("price_grid", f"{len(grid)} prices over {k}^{m} joint choices make {count:g} "
                                           f"combinatorial offers; use fewer prices or items")
    if m == 1:
        for row in itertools.product(grid, repeat=k):
            yield PriceOffer(0.0, np.array([row], dtype=float))
        return
    joint = list(itertools.product(range(k), repeat=m))
    for values in itertools.product(grid, repeat=len(joint)):
        table = dict(zip(joint, values))
        yield PriceOffer(0.0, np.zeros((m, k)), extra=table.__getitem__)


# ------------------------------------------------------------- sizing
def estimate_nodes(protocol, env, *, horizon: int | None = None, probes: int = ESTIMATE_PROBES,
                   seed: int = 0, keep=None) -> float:
    """Knuth's estimate of the number of nodes: the mean over random paths of 1 + b₀ + b₀b₁ + …"""
    rng = np.random.default_rng(seed)
    profiles = type_profiles(env)
    total = 0.0
    for _ in range(probes):
        size, width = 1.0, float(len(profiles))
        types = profiles[rng.integers(len(profiles))][0]
        branches = _start_branches(protocol, env, types)
        if len(branches) > 1:
            size += width
            width *= len(branches)
        state = branches[rng.integers(len(branches))][0]
        while True:
            size += width
            if state.mover() is None or (horizon is not None and state.period >= horizon):
                break
            acts = enumerate_actions(state.action_space(), keep)
            width *= len(acts)
            branches = _apply_branches(protocol, state, acts[rng.integers(len(acts))])
            if len(branches) > 1:
                size += width
                width *= len(branches)
            state = branches[rng.integers(len(branches))][0]
        total += size
    return total / probes


# ------------------------------------------------------------- building
def build_game(protocol, env, *, profile=None, horizon: int | None = None, max_nodes: int = DEFAULT_MAX_NODES,
               estimate: bool = True, keep=None) -> FiniteGame:
    """The finite extensive-form game of ``protocol`` on ``env`` (module docstring).

    ``profile`` (a :class:`~negotiation.analysis.profile.Profile`), when given, is read at every
    information set (``InfoSet.behaviour``) and its actions join the enumerated ones if they are
    off the grid; with ``horizon`` it also values the states at period ``horizon``.  ``keep(action)``,
    when given, restricts every move to the actions it accepts (a sub-game such as JSX Example 3's
    price-only game inside item-by-item offers); the profile must keep to it.
    """
    max_nodes = check_int("max_nodes", max_nodes, 1)
    if horizon is not None:
        horizon = check_int("horizon", horizon, 1)
        if profile is None:
            raise ParameterError("horizon", "needs a profile to value the play after the horizon")
    if estimate:
        est = estimate_nodes(protocol, env, horizon=horizon, keep=keep)
        if est > max_nodes:
            raise ParameterError("max_nodes", f"the game has about {est:,.0f} nodes (estimated), above the limit "
                                              f"{max_nodes:,}; raise max_nodes or use smaller grids / fewer periods")
    builder = _Builder(protocol, env, profile, horizon, max_nodes, keep)
    builder.run()
    return FiniteGame(protocol, env, builder.nodes, builder.infosets, builder.profiles, horizon,
                      horizon is not None)


class _Builder:
    def __init__(self, protocol, env, profile, horizon, max_nodes, keep=None):
        self.protocol, self.env, self.profile, self.keep = protocol, env, profile, keep
        self.horizon, self.max_nodes = horizon, max_nodes
        self.nodes: list[Node] = []
        self.infosets: list[InfoSet] = []
        self._by_key: dict = {}
        self._public: dict = {(-1, None): 0}
        self.profiles = type_profiles(env, max_nodes)

    def _node(self, parent, kind, depth, period, public, types) -> int:
        if len(self.nodes) >= self.max_nodes:
            raise ParameterError("max_nodes", f"the game has more than {self.max_nodes:,} nodes; raise max_nodes or "
                                              f"use smaller grids / fewer periods")
        self.nodes.append(Node(parent, kind, depth, period, types=types, public=public))
        return len(self.nodes) - 1

    def _public_id(self, parent_public: int, label: str) -> int:
        return self._public.setdefault((parent_public, label), len(self._public))

    def run(self):
        root = self._node(-1, "chance", 0, 0, 0, -1)
        self.nodes[root].probs = []
        for k, (types, p) in enumerate(self.profiles):
            branches = _start_branches(self.protocol, self.env, types)
            child = self._branch(root, branches, 1, 0, k, {"a": [], "b": []})
            self._edge(root, f"types a={_types_text(self.env, 'a', types.a)} b={_types_text(self.env, 'b', types.b)}",
                       child, p)

    def _edge(self, parent, label, child, prob=None):
        n = self.nodes[parent]
        n.labels.append(label)
        n.children.append(child)
        if prob is not None:
            n.probs.append(prob)

    def _branch(self, parent, branches, depth, public, types, earlier) -> int:
        """A state, or a recognition chance node over several."""
        if len(branches) == 1:
            return self._expand(parent, branches[0][0], depth, public, types, earlier)
        state0 = branches[0][0]
        c = self._node(parent, "chance", depth, state0.period, public, types)
        self.nodes[c].probs = []
        for state, q, lab in branches:
            pub = self._public_id(public, f"t={state.period}: {lab}")
            self._edge(c, f"t={state.period}: {lab}", self._expand(c, state, depth + 1, pub, types, earlier), q)
        return c

    def _expand(self, parent, state, depth, public, types, earlier) -> int:
        mover = state.mover()
        if mover is None or (self.horizon is not None and state.period >= self.horizon):
            leaf = self._node(parent, "leaf", depth, state.period, public, types)
            self.nodes[leaf].payoff = self._payoff(state)
            self.nodes[leaf].outcome = _outcome_text(state) if mover is None else \
                f"open at t={state.period}: the profile plays on"
            return leaf
        me = self._node(parent, "move", depth, state.period, public, types)
        obs = state.observation(mover)
        key = (mover, infoset_key(obs))
        info = self._by_key.get(key)
        if info is None:
            space = state.action_space()
            actions = enumerate_actions(space, self.keep)
            labels = [label_of(a) for a in actions]
            info = InfoSet(len(self.infosets), mover, key, [], labels, actions, obs, space, list(earlier[mover]))
            if self.profile is not None:
                beh = self.profile.behaviour(mover, info.earlier, obs, space, label_of)
                for lab, (a, _) in beh.items():
                    if self.keep is not None and not self.keep(a):
                        raise ParameterError("strategy", f"{self.profile.names()[mover]!r} plays {lab}, outside the "
                                                         f"game's actions")
                    if lab not in labels:          # legal but off the grid (e.g. a non-grid combinatorial offer)
                        labels.append(lab)
                        actions.append(a)
                info.behaviour = {lab: p for lab, (_, p) in beh.items()}
            self.infosets.append(info)
            self._by_key[key] = info
        info.nodes.append(me)
        node = self.nodes[me]
        node.player, node.infoset = mover, info.id
        more = dict(earlier)
        more[mover] = earlier[mover] + [(obs, state.action_space())]
        for lab, action in zip(info.labels, info.actions):
            pub = self._public_id(public, f"{mover}:{lab}")
            child = self._branch(me, _apply_branches(self.protocol, state, action), depth + 1, pub, types, more)
            self._edge(me, lab, child)
        return me

    def _payoff(self, state) -> tuple[float, float]:
        if state.mover() is None:
            out = state.outcome()
            return float(out.payoff_a), float(out.payoff_b)
        return _continue(self.protocol, state, self.profile)


def _continue(protocol, state, profile, depth: int = 0) -> tuple[float, float]:
    """Expected payoffs of the profile played on from ``state`` to the protocol's cap."""
    if state.mover() is None:
        out = state.outcome()
        return float(out.payoff_a), float(out.payoff_b)
    mover = state.mover()
    beh = profile.behaviour(mover, [], state.observation(mover), state.action_space(), label_of)
    va = vb = 0.0
    for action, p in beh.values():
        for nxt, q, _ in _apply_branches(protocol, state, action):
            a, b = _continue(protocol, nxt, profile, depth + 1)
            w = p * (1.0 if q is None else q)
            va += w * a
            vb += w * b
    return va, vb


def _outcome_text(state) -> str:
    ags = state.outcome().agreements
    if not ags:
        return "no agreement"
    return "; ".join(f"t={a.period:g}: items {np.asarray(a.items).tolist()} x={np.asarray(a.choices).tolist()} "
                     f"transfer {a.transfer:.6g}" for a in ags)


def with_behaviour(game, behaviour: dict) -> "FiniteGame":
    """The same game with another behaviour profile: ``behaviour[infoset id] = {label: probability}``."""
    infosets = [dataclasses.replace(I, behaviour=dict(behaviour[I.id])) for I in game.infosets]
    return dataclasses.replace(game, infosets=infosets)


def outcome_distribution(game) -> dict:
    """{leaf outcome in words: probability} under the game's behaviour profile (reach probabilities)."""
    out: dict = {}
    stack = [(0, 1.0)]
    while stack:
        i, p = stack.pop()
        nd = game.nodes[i]
        if p <= 0:
            continue
        if nd.kind == "leaf":
            key = nd.outcome or "end"
            out[key] = out.get(key, 0.0) + p
        elif nd.kind == "chance":
            stack.extend((c, p * q) for c, q in zip(nd.children, nd.probs))
        else:
            beh = game.infosets[nd.infoset].behaviour
            stack.extend((c, p * beh.get(lab, 0.0)) for c, lab in zip(nd.children, nd.labels))
    return out


def _types_text(env, role, idx) -> str:
    return ",".join(str(env.types(role)[i]) for i in np.asarray(idx).tolist())
