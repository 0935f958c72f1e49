"""Deviation checks for any strategy profile on a finite game (issue 9, part 2).

Given a :class:`~negotiation.analysis.game.FiniteGame` built with a profile
(``InfoSet.behaviour``), :func:`check_profile`

1. forms each player's *beliefs* over the nodes of each of its information sets:
   the prior probability of the opponent's types, updated by Bayes' rule on the
   opponent's behaviour along the public history (a player's own moves and the
   public recognition draws do not move its beliefs).  When an opponent's move
   has probability zero under every type the player still deems possible — a
   zero-probability information set — the ``off_path`` rule decides:
   ``"passive"`` keeps the belief held before the move, ``"prior"`` returns to
   the prior given own types, ``"strategy"`` asks the player's strategy
   (``beliefs(obs) -> {opponent type-index tuple: probability}``; the paper's
   Example 3 buyer has one).  Later moves update from there by Bayes' rule.
   Beliefs formed this way are what sequential equilibrium asks of an
   assessment where Bayes' rule applies (Kreps–Wilson), and leave the off-path
   choice to the user, as JSX §5.2 discusses;
2. computes the profile's expected payoffs V at every node (backward induction);
3. at every information set, the value of each action followed by the profile
   (one-shot deviations) and the value of each player's full best response
   (backward induction over the player's own information sets with the same beliefs);
4. reports every one-shot deviation that gains more than ``tol``.

With these beliefs (own deviations leave beliefs unchanged), no profitable
one-shot deviation anywhere is the same as sequential rationality everywhere
(the one-shot-deviation principle; Hendon, Jacobsen & Sloth 1996), which the
best-response values confirm: a profile is reported as an equilibrium only if
both find nothing.

Values are present values at t = 0 (the payoffs of ``outcome()``); ``gain_now``
divides by δ_i^t to state a gain in the money of the period where it is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from negotiation.errors import ParameterError, check_choice

OFF_PATH_RULES = ("passive", "prior", "strategy")
ROLES = ("a", "b")


@dataclass
class Deviation:
    infoset: int
    player: str
    period: int
    where: str                      # the information set in words
    prescribed: dict                # {action label: probability}
    action: str                     # the best one-shot deviation
    value_prescribed: float
    value_action: float
    reach: float                    # probability the profile reaches the information set
    belief: dict                    # {opponent types: probability}
    discount: float

    @property
    def gain(self) -> float:
        return self.value_action - self.value_prescribed

    @property
    def gain_now(self) -> float:
        return self.gain / self.discount ** self.period

    def record(self) -> dict:
        return {"infoset": self.infoset, "player": self.player, "period": self.period, "where": self.where,
                "prescribed": self.prescribed, "deviation": self.action, "value_prescribed": self.value_prescribed,
                "value_deviation": self.value_action, "gain": self.gain, "gain_now": self.gain_now,
                "reach": self.reach, "belief": self.belief}

    def line(self) -> str:
        pres = ", ".join(f"{k}" + (f" ({p:.3g})" if p < 1 else "") for k, p in self.prescribed.items())
        path = "on path" if self.reach > 0 else "off path"
        return (f"{self.where} [{path}]: plays {pres}; {self.action} gains {self.gain_now:.6g} "
                f"(now; {self.gain:.6g} at t = 0)")


@dataclass
class DeviationReport:
    counts: dict
    off_path: str
    deviations: list
    best_response_gain: dict        # {infoset id: gain of the full best response there}, only > tol
    best_response: dict             # {infoset id: the player's best-response action label there}
    values: tuple                   # the profile's expected payoffs (Alice, Bob) at the root
    estimated: list = field(default_factory=list)
    tol: float = 1e-9

    @property
    def is_equilibrium(self) -> bool:
        return not self.deviations and not self.best_response_gain

    def record(self) -> dict:
        return {"equilibrium": self.is_equilibrium, "game": self.counts, "off_path": self.off_path,
                "payoffs": {"a": self.values[0], "b": self.values[1]},
                "deviations": [d.record() for d in self.deviations],
                "estimated_behaviour_at": len(self.estimated)}

    def text(self) -> str:
        c = self.counts
        head = (f"game: {c['nodes']} nodes, {c['infosets']} information sets; off-path beliefs {self.off_path}; "
                f"profile payoffs Alice {self.values[0]:.6g}, Bob {self.values[1]:.6g}")
        if self.estimated:
            head += f"\nnote: stochastic behaviour estimated by sampling at {len(self.estimated)} information sets"
        if self.is_equilibrium:
            return head + "\nequilibrium: no one-shot deviation gains more than " + f"{self.tol:g}"
        lines = [head, f"{len(self.deviations)} profitable one-shot deviations:"]
        lines += ["  " + d.line() for d in self.deviations]
        return "\n".join(lines)


def check_profile(game, *, off_path: str = "passive", profile=None, tol: float = 1e-9) -> DeviationReport:
    """Beliefs, values, best responses and profitable one-shot deviations (module docstring)."""
    check_choice("off_path", off_path, OFF_PATH_RULES)
    if any(I.behaviour is None for I in game.infosets):
        raise ParameterError("profile", "the game was built without a profile; pass profile= to build_game")
    if off_path == "strategy" and profile is None:
        raise ParameterError("off_path", "'strategy' asks the strategies for beliefs; pass the profile")
    nodes, infosets = game.nodes, game.infosets
    n = len(nodes)
    by_depth: dict[int, list[int]] = {}
    for i, nd in enumerate(nodes):
        by_depth.setdefault(nd.depth, []).append(i)
    depths = sorted(by_depth)
    edge = np.zeros(n, dtype=np.intp)           # position of each node among its parent's children
    for nd in nodes:
        for pos, c in enumerate(nd.children):
            edge[c] = pos
    prior = np.array([p for _, p in game.profiles])

    # ---- beliefs: weights w[r][node], normalized within r's view (own types, public history)
    w = {r: np.zeros(n) for r in ROLES}
    reach = np.zeros(n)
    for r in ROLES:
        w[r][0] = 1.0
    reach[0] = 1.0
    own = {r: [tuple(np.asarray(t.of(r)).tolist()) for t, _ in game.profiles] for r in ROLES}
    for d in depths[1:]:
        level = by_depth[d]
        for c in level:
            par = nodes[nodes[c].parent]
            if par.kind == "chance":
                q = par.probs[edge[c]]
                for r in ROLES:
                    w[r][c] = w[r][nodes[c].parent] * q
                reach[c] = reach[nodes[c].parent] * q
            else:
                s = infosets[par.infoset].behaviour.get(par.labels[edge[c]], 0.0)
                for r in ROLES:
                    w[r][c] = w[r][nodes[c].parent] * (s if r != par.player else 1.0)
                reach[c] = reach[nodes[c].parent] * s
        for r in ROLES:
            views: dict = {}
            for c in level:
                views.setdefault((own[r][nodes[c].types], nodes[c].public), []).append(c)
            for group in views.values():
                if w[r][group].sum() > 0:
                    continue
                _off_path(game, off_path, profile, r, group, w[r], prior)

    def belief(I) -> np.ndarray:
        x = w[I.player][I.nodes]
        return x / x.sum()

    # ---- the profile's values V (t = 0 money), bottom-up
    V = node_values(game)

    # ---- one-shot deviations
    devs = []
    for I in infosets:
        j = ROLES.index(I.player)
        mu = belief(I)
        q = np.array([[V[nodes[m].children[k], j] for m in I.nodes] for k in range(len(I.labels))]) @ mu
        pres = sum(I.behaviour.get(lab, 0.0) * q[k] for k, lab in enumerate(I.labels))
        k = int(np.argmax(q))
        if q[k] - pres > tol * max(1.0, abs(pres)):
            devs.append(Deviation(I.id, I.player, I.period, I.describe(), dict(I.behaviour), I.labels[k],
                                  float(pres), float(q[k]), float(reach[I.nodes].sum()),
                                  _belief_text(game, I, mu), game.env.discount(I.player)))

    # ---- full best responses, with the same beliefs
    br_gain, br_action = {}, {}
    for j, r in enumerate(ROLES):
        W = np.zeros(n)
        for d in reversed(depths):
            mine = {}
            for i in by_depth[d]:
                nd = nodes[i]
                if nd.kind == "leaf":
                    W[i] = nd.payoff[j]
                elif nd.kind == "chance":
                    W[i] = np.asarray(nd.probs) @ W[nd.children]
                elif nd.player != r:
                    beh = infosets[nd.infoset].behaviour
                    W[i] = sum(beh.get(lab, 0.0) * W[c] for lab, c in zip(nd.labels, nd.children))
                else:
                    mine[nd.infoset] = infosets[nd.infoset]
            for I in mine.values():
                mu = belief(I)
                q = np.array([[W[nodes[m].children[k]] for m in I.nodes] for k in range(len(I.labels))]) @ mu
                k = int(np.argmax(q))
                br_action[I.id] = I.labels[k]
                for m in I.nodes:
                    W[m] = W[nodes[m].children[k]]
                gain = float(q[k] - mu @ V[I.nodes, j])
                if gain > tol * max(1.0, abs(q[k])):
                    br_gain[I.id] = gain
    return DeviationReport(game.counts(), off_path, devs, br_gain, br_action, (float(V[0, 0]), float(V[0, 1])),
                           list(getattr(profile, "estimated", []) or []), tol)


def best_responding(game, report, role: str):
    """``game`` with ``role`` playing its best response (pure, from ``report``) and the opponent the profile."""
    from negotiation.analysis.game import with_behaviour

    beh = {I.id: ({report.best_response[I.id]: 1.0} if I.player == role else I.behaviour) for I in game.infosets}
    return with_behaviour(game, beh)


def root_action_values(game, role: str) -> dict:
    """{action label: expected payoff of ``role``} at the first information set of ``role`` (its opening
    move when the root's chance move fixes only types), the game's profile played afterwards."""
    j = ROLES.index(role)
    first = next(I for I in game.infosets if I.player == role)
    V = node_values(game)
    mu = np.array([game.profiles[game.nodes[m].types][1] for m in first.nodes])
    mu = mu / mu.sum()
    return {lab: float(sum(p * V[game.nodes[m].children[k], j] for p, m in zip(mu, first.nodes)))
            for k, lab in enumerate(first.labels)}


def node_values(game) -> np.ndarray:
    """Expected payoffs (Alice, Bob) at every node under the game's behaviour profile."""
    nodes = game.nodes
    V = np.zeros((len(nodes), 2))
    for i in sorted(range(len(nodes)), key=lambda i: -nodes[i].depth):
        nd = nodes[i]
        if nd.kind == "leaf":
            V[i] = nd.payoff
        elif nd.kind == "chance":
            V[i] = np.asarray(nd.probs) @ V[nd.children]
        else:
            beh = game.infosets[nd.infoset].behaviour
            V[i] = sum(beh.get(lab, 0.0) * V[c] for lab, c in zip(nd.labels, nd.children))
    return V


def _off_path(game, rule, profile, role, group, weights, prior):
    """Set the weights of a zero-probability view of ``role`` by the off-path rule."""
    nodes = game.nodes
    if rule == "prior":
        weights[group] = prior[[nodes[c].types for c in group]]
        return
    if rule == "strategy":
        first = nodes[group[0]]
        if first.kind == "move" and first.player == role:
            strategy = profile.strategies[role]
            ask = getattr(strategy, "beliefs", None)
            if not callable(ask):
                raise ParameterError("off_path", f"strategy {getattr(strategy, 'name', strategy)!r} states no "
                                                 f"beliefs (no beliefs(obs) method); use passive or prior")
            b = ask(game.infosets[first.infoset].obs)
            opp = "b" if role == "a" else "a"
            weights[group] = [float(b.get(tuple(np.asarray(game.profiles[nodes[c].types][0].of(opp)).tolist()),
                                          0.0)) for c in group]
            if weights[group].sum() > 0:
                return
            raise ParameterError("off_path", "the strategy's beliefs give probability 0 to every node of the "
                                             "information set")
    weights[group] = [weights[nodes[c].parent] for c in group]          # passive


def _belief_text(game, I, mu) -> dict:
    opp = "b" if I.player == "a" else "a"
    out: dict = {}
    for m, p in zip(I.nodes, mu):
        t = game.profiles[game.nodes[m].types][0].of(opp)
        k = ",".join(str(game.env.types(opp)[i]) for i in np.asarray(t).tolist())
        out[k] = out.get(k, 0.0) + float(p)
    return out
