"""``bayesian`` — bounded-belief Bayesian bargaining against a trembling opponent (JSX §5.3, Theorem 3).

Plays share-demanding (§3.3.3), frequency (§3.3.4) and single-item
(item-by-item with n = 1, §3.3.1/§5.3.1) negotiations.

Belief. A posterior (:class:`negotiation.beliefs.Belief`) over a finite support
of opponent types, built from the prior and the player's own types:

- i.i.d. independent types (``IIDPrior``): the opponent's *frequency* — its
  count vector over Θ_j — with the multinomial prior (``iid_frequency_prior``).
  Under exchangeable play that is all that matters (proof of Theorem 3), and
  the support has C(n+m−1, m−1) points (n + 1 for two types), never m^n;
- ``ExchangeablePrior``: the opponent's frequency is known (a point mass);
- ``CommonShockPrior`` (a state ω drawn once, items i.i.d. given ω): pairs
  (ω, opponent frequency), |Ω|·(n+1) points for two types, with prior
  P(ω | own types)·P(freq | ω, own types) (:func:`common_shock_belief`);
- ``JointPMF``: the opponent's type vectors consistent with own types.

For each support point k the player knows S_k, the surplus it expects given
its own types and the opponent's frequency (over the uniformly random
arrangement of the opponent's types: S_k = a·M·c_k / n, a and c_k count
vectors, M the per-item surplus table), or given the type vector (JointPMF).

Updates (O(support size) each, in logs; optionally bounded updating at rate
β with ``Belief.bounded_update``). The opponent is modelled as a Rubinstein
player of the type at hand who trembles at rate ``gamma``:

- its offer announces its frequency (or types) truthfully and demands a
  rational amount; §5.3.1 trembles are uniform over the whole offer
  (announcement × demand): likelihood (1−γ)·1[announced = type]·ι(v) +
  γ/(|Φ|·|V|) (share-demanding: (1−γ)·ι(v)/#arrangements(c_k) + γ/(m^n·|V|)),
  ι uniform over the demands D = V ∩ [0, ∞) (``_demand_measures``: the
  intended demand depends on the opponent's own belief, which we do not
  model, so within D it is uninformative; a negative demand is intended by
  no type, only trembles reach it, and the belief stays put);
  a single-item price offer (§5.3.1) has likelihood (1−γ)·1[p = p_k] +
  γ/((|X|−1)·|P^Δ|), p_k the Rubinstein price type k intends on the surplus
  it expects (``_price_likelihood``; on the grid P^Δ only);
- as responder to our offer it accepts iff accepting is worth its Rubinstein
  continuation, so a rejection of demand v has likelihood
  (1−γ)·1[t_k < v] + γ/2 with t_k the highest demand type k accepts.

Offers. Truthful announcement (own frequency / own types / the plausible
choice for a single item) and the demand v on the demand grid (price grid for
a single item; the thresholds t_k and the top of the interval when there is no
grid) maximizing  P(accept | v)·v + (1 − P(accept | v))·C(v),  with
P(accept | v) = (1−γ)·Pr_post(t_k ≥ v) + γ/2.

Continuation value C (how we value the future, and why). The *Rubinstein
continuation on the posterior-expected surplus*: a responder who rejects gets
``theory.continuation_value(role, E_post[S])`` (it proposes next and keeps its
proposer share, discounted once; the stationary value under random
recognition); an offerer whose demand v is rejected gets that value one more
period later (alternating offers), with E_post[S] the expectation *given the
rejection* of v. Why: the proof of Theorem 3 bounds every equilibrium payoff
by exactly these Rubinstein recursions (eqs. (3)–(7)) whose error terms vanish
as the posterior concentrates on frequencies near the mean; the rule is
closed-form and O(support), consistent with the opponent model used for
P(accept), and with a known surplus (point-mass belief) it is the
subgame-perfect play of Theorems 1–2, so the bayesian reaches the Rubinstein
split against ``rubinstein``. It ignores that future demands are also shaded
for uncertainty and Phase 2 "No" risk (both vanish as n grows).

A responder values a frequency offer at E[S | own types, announced frequency]
minus the demand: the uniform arrangement a·M·c/n, or under a common-shock
prior correlated within items the posterior average over ω of S_(ω,c)
(``OpponentModel.surplus_given_announced``).

Phase 2 of the frequency protocol (footnote 16): the offerer announces
truthfully (nearest to its true types if the accepted frequency is not its
own, as after a tremble); the responder picks the efficient x for the
announced and own types and settles if that covers v, else says "No".
"""

from __future__ import annotations

from math import comb

import numpy as np
from scipy.special import gammaln

from agents.common import TOLERANCE, accepts, offer_demanding, plausible_choices, respond_requiring
from negotiation.beliefs import check_gamma
from negotiation.actions import (REJECT, AcceptItems, ItemOffers, ItemOfferSpace, PriceOffer, PriceOfferSpace, Reject,
                                 ShareDemand, ShareDemandSpace)
from negotiation.beliefs import Belief, ZeroProbabilityEvidence, check_beta, iid_frequency_prior
from negotiation.errors import ParameterError
from negotiation.frequency_actions import (ACCEPT_TERMS, SAY_NO, Announce, FrequencyOffer, FrequencyOfferSpace,
                                           Settle, counts_of)
from negotiation.priors import CommonShockPrior, ExchangeablePrior, IIDPrior, JointPMF
from negotiation.registry import register_strategy
from negotiation.strategy import Strategy
from negotiation.theory import continuation_value, demand


def _other(role):
    return "b" if role == "a" else "a"


class OpponentModel:
    """Support, belief and expected surpluses S_k for one player in one play."""

    def __init__(self, obs):
        env, role = obs.env, obs.role
        self.env, self.role, self.opp = env, role, _other(role)
        self.items = np.asarray(obs.open_items)
        self.n = len(self.items)
        self.own = np.asarray(obs.own_types)[self.items]
        self.m_own, self.m_opp = len(env.types(role)), len(env.types(self.opp))
        # M[t_own, t_opp]: per-item surplus with own type t_own against opponent type t_opp.
        self.M = env.item_surplus if role == "a" else env.item_surplus.T
        self.own_counts = counts_of(self.own, self.m_own)
        prior = env.prior
        self._against = None      # CommonShockPrior with correlated f_ω: S per support point for announced counts
        if not env.is_additive:
            raise ParameterError("environment", "the bayesian strategy needs additively separable utilities")
        if isinstance(prior, IIDPrior):
            j = prior.joint
            pa, pb = j.sum(axis=1), j.sum(axis=0)
            if not np.allclose(j, np.outer(pa, pb), atol=1e-12):
                raise ParameterError("prior", "the bayesian strategy needs types independent across the parties "
                                              "(JSX §5.3.2) for an i.i.d. prior")
            self.kind = "freq"
            self.belief = iid_frequency_prior(self.n, pb if role == "a" else pa)
            self.counts = np.asarray(self.belief.support)
            self.S = self.own_counts @ self.M @ self.counts.T / self.n
        elif isinstance(prior, ExchangeablePrior):
            col = 1 if role == "a" else 0
            self.kind = "freq"
            self.counts = counts_of(prior.matchups[:, col], self.m_opp)[None, :]
            self.belief = Belief(self.counts, [1.0])
            self.S = np.array([float(env.item_surplus_given(role, obs.own_types)[self.items].sum())])
        elif isinstance(prior, CommonShockPrior):
            self.kind = "freq"
            self.belief, self.S, self._against = common_shock_belief(prior, role, self.M, self.own_counts, self.n)
            self.counts = np.asarray(self.belief.support)[:, 1:]
        elif isinstance(prior, JointPMF):
            mine, theirs = (prior.a, prior.b) if role == "a" else (prior.b, prior.a)
            keep = np.all(mine == np.asarray(obs.own_types)[None, :], axis=1) & (prior.probs > 0)
            if not keep.any():
                raise ParameterError("types", "own types have prior probability 0")
            self.kind = "types"
            labels = theirs[keep][:, self.items]
            self.belief = Belief(labels, prior.probs[keep] / prior.probs[keep].sum())
            self.counts = np.array([counts_of(r, self.m_opp) for r in labels])
            self.S = self.M[self.own[None, :], labels].sum(axis=1).astype(float)
        else:
            raise ParameterError("prior", f"the bayesian strategy cannot form beliefs under {type(prior).__name__}")
        self.S = np.asarray(self.S, dtype=float)
        # Announced type vectors split off their frequency class as atoms of their own (``distinguish``):
        # exact[k] is the vector's index for such an atom, −1 for a class atom (the not-yet-announced
        # arrangements of its counts, uniformly likely); rest[k] counts a class atom's arrangements.
        self.exact = np.full(len(self.S), -1, dtype=np.int64)
        with np.errstate(over="ignore"):      # inf beyond ~1000 items: ``distinguish`` then declines
            self.rest = (np.exp(gammaln(self.n + 1) - gammaln(self.counts + 1).sum(axis=1))
                         if self.kind == "freq" else np.ones(len(self.S)))
        self._vectors: dict = {}

    # --------------------------------------------------------------- surplus
    def surplus_against(self, announced_counts=None, announced_types=None) -> np.ndarray:
        """Per support point: the surplus with our announced types (what a responder of type k sees)."""
        if self.kind == "types" and announced_types is not None:
            return self.M[np.asarray(announced_types)[None, :], self.belief.support].sum(axis=1).astype(float)
        a = self.own_counts if announced_counts is None else np.asarray(announced_counts)
        if self._against is not None:
            return self._against(a)
        return a @ self.M @ self.counts.T / self.n

    def surplus_given_announced(self, counts) -> float:
        """E[S | own types, the opponent's announced frequency] (what we expect from an offer's terms).

        Uniform arrangement a·M·c/n, except under a :class:`CommonShockPrior` correlated within items,
        where it is the posterior average over ω of S_(ω,c) (falling back to a·M·c/n if c has no mass).
        """
        c = np.asarray(counts)
        if self._against is not None:
            w = self.belief.probs * np.all(self.counts == c[None, :], axis=1)
            if w.sum() > 0:
                return float(w @ self.S / w.sum())
        return float(self.own_counts @ self.M @ c) / self.n

    def distinguish(self, announced) -> np.ndarray:
        """Split an announced type vector θ̂ off its frequency class; the mask of the atoms that are θ̂
        (None when θ̂'s share of its class underflows a float).

        A belief over frequencies is a belief over type vectors that is uniform within each class (JSX
        §5.3.2: exchangeable play). An announcement of θ̂ breaks that symmetry for θ̂ alone, so θ̂ gets
        an atom of its own — mass (class mass)/(arrangements left), surplus S(own, θ̂) exactly — and the
        class keeps the other arrangements (its surplus the mean over them). Every event E ⊂ Θ_j^n then
        has, atom by atom, one posterior/prior ratio for all its vectors, so bounded updating checked on
        these atoms holds for *every* event (Appendix A.1), the event {θ_j = θ̂} included.
        """
        ann = np.asarray(announced, dtype=np.int64)
        key = ann.tobytes()
        if key in self._vectors:
            return self.exact == self._vectors[key]
        cls = np.flatnonzero((self.exact == -1) & np.all(self.counts == counts_of(ann, self.m_opp)[None, :], axis=1))
        probs = np.array(self.belief.probs, dtype=float)
        rest = self.rest[cls]
        share = probs[cls] / rest
        if np.any((share == 0) & (probs[cls] > 0)) or not np.all(np.isfinite(rest)):
            return None       # the atom's mass underflows (about n > 1000 items): the caller falls back
        idx = self._vectors[key] = len(self._vectors)
        exact_s = float(self.M[self.own, ann].sum())
        probs[cls] -= share
        with np.errstate(invalid="ignore", over="ignore"):
            left = np.where((rest > 1) & (rest < 1e15), (rest * self.S[cls] - exact_s) / np.maximum(rest - 1, 1), self.S[cls])
        self.S = self.S.copy()
        self.S[cls] = left
        self.rest = self.rest.copy()
        self.rest[cls] = rest - 1
        support = np.concatenate([self.belief.support, self.belief.support[cls]])
        self.belief = Belief(support, np.concatenate([probs, share]))
        self.counts = np.concatenate([self.counts, self.counts[cls]])
        self.S = np.concatenate([self.S, np.full(len(cls), exact_s)])
        self.rest = np.concatenate([self.rest, np.ones(len(cls))])
        self.exact = np.concatenate([self.exact, np.full(len(cls), idx)])
        return self.exact == idx

    def prob_of_types(self, announced) -> float:
        """Belief that the opponent's types are exactly ``announced`` (0 if never announced and no class)."""
        key = np.asarray(announced, dtype=np.int64).tobytes()
        if self.kind == "types":
            return float(self.belief.probs[np.all(self.belief.support == np.asarray(announced)[None, :], axis=1)].sum())
        if key in self._vectors:
            return float(self.belief.probs[self.exact == self._vectors[key]].sum())
        c = counts_of(np.asarray(announced), self.m_opp)
        cls = (self.exact == -1) & np.all(self.counts == c[None, :], axis=1)
        return float((self.belief.probs[cls] / self.rest[cls]).sum())

    def opponent_type_index(self) -> np.ndarray:
        """Single item: the opponent's type index per support point."""
        return self.counts.argmax(axis=1)

    def opponent_expected_surplus(self) -> np.ndarray:
        """Single item: per support point, E[S | the opponent's type] from the prior (what it expects)."""
        k = self.opponent_type_index()
        return np.array([float(self.env.item_surplus_given(self.opp, np.array([kk]))[0]) for kk in k.tolist()])


def common_shock_belief(prior: CommonShockPrior, role: str, M: np.ndarray, own_counts: np.ndarray, n: int):
    """Belief over (ω, opponent frequency) pairs for a :class:`CommonShockPrior`, with S per support point.

    Support: the rows (ω, c) for every state ω and every count vector c of the
    opponent's n types — |Ω|·(n+1) points for two opponent types. Prior:
    P(ω | own types) · P(c | ω, own types), P(ω | own) ∝ π_ω Π_t f_ω,own(t)^{a_t}.

    S_(ω,c) = E[S | own types, ω, c] = Σ_{t,u} M[t,u]·E[T_tu | ω, a, c], T the
    table of matchups (own type t against opponent type u) over the n items:

    - f_ω independent across the parties: given ω the opponent's types are
      i.i.d. from its marginal, c is multinomial and, given c, the arrangement
      is uniformly random, so E[T] = a cᵀ/n and S = a·M·c/n (as for
      ``IIDPrior``; the same for every ω);
    - f_ω correlated within an item (two opponent types only): given ω and
      own types the opponent's types are independent with
      q_t = f_ω(opp = 1 | own = t); x_t (the number of own-type-t items on
      which the opponent has type 1) is Binomial(a_t, q_t), c_1 = Σ_t x_t, so
      P(c | ω, own) is the convolution of these binomials, and
      E[x_t | c_1] = conv(x·b_t, ∗_{s≠t} b_s)(c_1) / (∗_s b_s)(c_1) exactly
      (the multivariate Fisher noncentral hypergeometric mean). Where the
      denominator underflows (c_1 of prior probability < ~1e-300) the uniform
      arrangement a·M·c/n is used. The responder's view of an announced
      frequency a' (``surplus_against``) is the same computation with a' in
      place of a (the law of T given both margins is symmetric in the parties).
    """
    from negotiation.beliefs import iid_frequency_prior

    joints = prior.joints if role == "a" else np.transpose(prior.joints, (0, 2, 1))   # [ω, own, opp]
    post = prior.state_posterior(role, np.repeat(np.arange(len(own_counts)), own_counts))
    m_opp = joints.shape[2]
    if prior.is_independent_given_state():
        labels, probs = [], []
        for w in range(prior.n_states):
            b = iid_frequency_prior(n, joints[w].sum(axis=0))
            c = np.asarray(b.support)
            labels.append(np.column_stack([np.full(len(c), w), c]))
            probs.append(post[w] * b.probs)
        support = np.concatenate(labels)
        belief = Belief(support, np.concatenate(probs))
        S = own_counts @ M @ support[:, 1:].T / n
        return belief, np.asarray(S, dtype=float), None
    if m_opp != 2:
        raise ParameterError("prior", "the bayesian strategy handles a common-shock prior whose per-item pmfs are "
                                      "correlated across the parties only with two opponent types")
    rows = joints.sum(axis=2)
    q = np.where(rows > 0, joints[:, :, 1] / np.maximum(rows, 1e-300), 0.5)        # [ω, own]
    c1 = np.arange(n + 1)
    counts = np.column_stack([n - c1, c1])

    def uniform(a):
        return np.asarray(a, dtype=float) @ M @ counts.T / n

    def tables(a, w):
        from scipy.stats import binom
        bs = [binom.pmf(np.arange(at + 1), at, q[w, t]) for t, at in enumerate(np.asarray(a, dtype=int))]
        total = np.array([1.0])
        for b in bs:
            total = np.convolve(total, b)
        S = np.zeros(n + 1)
        ok = total > 1e-300
        for t, b in enumerate(bs):
            rest = np.array([1.0])
            for s, bb in enumerate(bs):
                if s != t:
                    rest = np.convolve(rest, bb)
            ex = np.convolve(np.arange(len(b)) * b, rest)
            ex_t = np.where(ok, ex / np.where(ok, total, 1.0), 0.0)
            S += M[t, 1] * ex_t + M[t, 0] * (a[t] - ex_t)
        return total, np.where(ok, S, uniform(a))

    per_w = [tables(own_counts, w) for w in range(prior.n_states)]
    support = np.concatenate([np.column_stack([np.full(n + 1, w), counts]) for w in range(prior.n_states)])
    probs = np.concatenate([post[w] * per_w[w][0] for w in range(prior.n_states)])
    belief = Belief(support, probs / probs.sum())
    S = np.concatenate([per_w[w][1] for w in range(prior.n_states)])
    cache = {}

    def against(a):
        key = tuple(int(x) for x in a)
        if key not in cache:
            cache[key] = np.concatenate([tables(np.asarray(key), w)[1] for w in range(prior.n_states)])
        return cache[key]

    return belief, S, against


class _RoleState:
    def __init__(self, model):
        self.model = model
        self.seen = 0


def _reopened(st: _RoleState, model: OpponentModel) -> _RoleState:
    """After items closed: a belief over the open items' types from the prior (what was learned about
    the closed items' offers is not carried over), the history seen so far not replayed."""
    new = _RoleState(model)
    new.seen = st.seen
    return new


@register_strategy
class Bayesian(Strategy):
    name = "bayesian"
    section = "JSX §5.3, Theorem 3 (trembling Bayesian)"
    protocols = ("share-demanding", "frequency", "item-by-item", "combinatorial")

    def __init__(self, gamma: float = 0.01, beta=None):
        self.gamma = check_gamma(gamma)
        self.beta = None if beta is None else check_beta(beta)
        self._state: dict = {}

    def reset(self, role, rng):
        self._state[role] = None

    # ---------------------------------------------------------- beliefs
    def model(self, obs) -> OpponentModel:
        st = self._state.get(obs.role)
        if st is None or len(obs.open_items) != st.model.n:
            # A new play, or items closed (item-by-item, reopening): beliefs over the open items.
            st = self._state[obs.role] = _RoleState(OpponentModel(obs)) if st is None else \
                _reopened(st, OpponentModel(obs))
        hist = obs.history
        for i in range(st.seen, len(hist)):
            _, who, action = hist[i]
            if who == obs.role:
                continue
            prev = hist[i - 1][2] if i > 0 and hist[i - 1][1] == obs.role else None
            self._observe(st.model, action, prev, obs)
        st.seen = len(hist)
        return st.model

    def _update(self, m: OpponentModel, loglik: np.ndarray) -> None:
        if np.all(loglik == loglik[0]):
            return
        try:
            if self.beta is None:
                m.belief = m.belief.update_log(loglik)
            else:
                top = np.max(loglik)
                if not np.isfinite(top):
                    return
                m.belief = m.belief.bounded_update(np.exp(loglik - top), self.beta)
        except ZeroProbabilityEvidence:
            pass   # off the modelled path (no trembles in the model): keep the belief

    def _observe(self, m: OpponentModel, action, my_offer, obs) -> None:
        g = self.gamma
        with np.errstate(divide="ignore"):
            log_g, log_1g = np.log(g), np.log1p(-g)
        if isinstance(action, FrequencyOffer):
            match = np.all(m.counts == np.asarray(action.counts)[None, :], axis=1)
            n_freq = comb(m.n + m.m_opp - 1, m.m_opp - 1)
            log_d, log_v = self._demand_measures(m, obs, action.demand)
            with np.errstate(divide="ignore"):
                intended = np.where(match, log_1g - log_d, -np.inf)
            self._update(m, np.logaddexp(intended, log_g - np.log(n_freq) - log_v))
        elif isinstance(action, PriceOffer) and (equiv := share_equivalent(m, action)) is not None:
            self._observe(m, equiv, my_offer, obs)
        elif isinstance(action, ShareDemand) and len(action.announced) == m.n:
            ann = np.asarray(action.announced)
            log_d, log_v = self._demand_measures(m, obs, action.demand)
            log_i = log_1g - log_d                          # the intended offer: these types, this demand
            tremble = log_g - m.n * np.log(m.m_opp) - log_v  # γ/(|Θ_j|^n·|V|): uniform over the whole offer
            if m.kind == "types":
                match = np.all(m.belief.support == ann[None, :], axis=1)
                intended = np.where(match, log_i, -np.inf)
            elif m._against is None and (atom := m.distinguish(ann)) is not None:
                intended = np.where(atom, log_i, -np.inf)                     # θ̂ as an atom of its own
            else:
                # Common shock correlated within items (S per class comes from ``_against``), or an atom
                # too small for a float: the announced vector is not split off; its exact surplus is mixed
                # into the class with the posterior weight w (bounded updating is then enforced on
                # (ω,) frequency events only).
                match = np.all(m.counts == counts_of(ann, m.m_opp)[None, :], axis=1)
                log_arr = gammaln(m.n + 1) - gammaln(m.counts + 1).sum(axis=1)
                intended = np.where(match, log_i - log_arr, -np.inf)
                k = np.flatnonzero(match)
                if k.size and np.isfinite(log_i):
                    # P(announcement = types | frequency c*, offer) = (i + τ) / (i + #arr·τ), i the intended
                    # probability of this offer for the true vector, τ the tremble probability per offer.
                    with np.errstate(divide="ignore", over="ignore"):
                        log_more = log_arr[k] + np.log1p(-np.exp(-log_arr[k]))      # log(#arr − 1)
                        w = 1.0 / (1.0 + np.exp(log_more - np.logaddexp(0.0, log_i - tremble)))
                    exact = float(m.M[m.own, ann].sum())
                    m.S = m.S.copy()
                    m.S[k] = w * exact + (1 - w) * m.S[k]
            self._update(m, np.logaddexp(intended, tremble))
        elif isinstance(action, ItemOffers) and m.n == 1 and len(action.items) == 1:
            lik = self._price_likelihood(m, obs, action)
            if lik is not None:
                with np.errstate(divide="ignore"):
                    self._update(m, np.log(lik))
        elif isinstance(action, (Reject, AcceptItems)) and my_offer is not None:
            if isinstance(action, AcceptItems) and action.items:
                return
            t, v = self._thresholds_for(m, my_offer, obs)
            if t is None:
                return
            lik = (1 - g) * (t < v - TOLERANCE * max(1.0, abs(v))) + g / 2
            with np.errstate(divide="ignore"):
                self._update(m, np.log(lik))

    def _price_likelihood(self, m: OpponentModel, obs, offer):
        """Single item (§5.3.1): P(price offer | opponent type k) = (1−γ)·1[p = p_k] + γ/((|X|−1)·|P^Δ|).

        p_k is the price a type-k opponent intends: its Rubinstein proposer demand on the surplus it
        expects from the prior, E[S | θ_k] (the same model of the opponent as for its responses),
        rounded on the grid in the responder's favour; a tremble is uniform over the real offers (a
        non-null decision and a price on P^Δ, :meth:`negotiation.actions.ItemOfferSpace.sample`).
        Only on a grid: on an interval of prices a tremble has no atom, so an offer different from
        every p_k would have likelihood 0 for every type — None (no update) then, as for a null offer.
        """
        P = obs.protocol.prices(obs.env)
        env, opp = m.env, m.opp
        x = int(np.asarray(offer.choices)[0])
        if P.grid is None or x == env.null_choice:
            return None
        price = float(np.asarray(offer.prices)[0])
        k = m.opponent_type_index()
        s_k = m.opponent_expected_surplus()
        d_k = np.array([self._demand(obs, opp, float(s)) for s in s_k])
        u_k = env.table(opp)[x, k]
        if opp == "a":
            intended = np.array([P.floor(min(max(v, P.low), P.high)) for v in d_k - u_k])
        else:
            intended = np.array([P.ceil(min(max(v, P.low), P.high)) for v in u_k - d_k])
        match = np.abs(intended - price) <= 1e-9 * max(1.0, abs(price))
        g = self.gamma
        return (1 - g) * match + g / (max(len(env.choices) - 1, 1) * len(P.grid))

    def _demand(self, obs, role, surplus):
        p = obs.protocol
        return demand(role, surplus, obs.env.discount_a, obs.env.discount_b, p.recognition, p.p_alice)

    @staticmethod
    def _demand_measures(m: OpponentModel, obs, demand: float) -> tuple[float, float]:
        """(log ι, log |V|): ι the probability (density on an interval) a type that announced truthfully
        puts on ``demand``, |V| the size (length) of the demand set the offer was drawn from.

        §5.3.1 trembles are uniform over the *whole* offer (announcement × demand), so a tremble offer has
        likelihood γ/(|Φ|·|V|). Which demand a type intends is the opponent's own optimization, which we
        do not model (it depends on the opponent's belief about us); we take it uniform over the demands
        D = V ∩ [0, ∞), the same for every type. Why 0 and nothing above: a negative demand, if accepted,
        pays the proposer less than any rejection (continuations are ≥ 0), so no type intends it; but a
        Bayesian against trembling responders does intend demands beyond any surplus it can hope for
        (a "waiting" offer that is accepted only by a tremble), so no upper cut is safe. On Appendix A's
        grid V^{n,Δ} = {0, …, n·S_max} D = V; on a grid or interval reaching below 0, a demand below 0
        (say −100) is intended by no type: only trembles make it, all types alike, and the belief does
        not move (log ι = −inf).
        """
        V = obs.protocol.demands(obs.env, m.n)
        if V.grid is not None:
            grid = np.asarray(V.grid, dtype=float)
            size_v = float(len(grid))
            size_d = float(np.count_nonzero(grid >= -1e-9))
        else:
            size_v = V.high - V.low
            size_d = V.high - max(0.0, V.low)
            if not size_v > 0:       # a single demand: counting measure
                size_v = size_d = 1.0
        if not (float(demand) >= -1e-9 and size_d > 0):
            return np.inf, float(np.log(size_v))
        return float(np.log(size_d)), float(np.log(size_v))

    # ---------------------------------------------------- the opponent model
    def _cont(self, obs, role, surplus):
        p = obs.protocol
        return continuation_value(role, surplus, obs.env.discount_a, obs.env.discount_b, p.recognition, p.p_alice)

    def _thresholds_for(self, m: OpponentModel, offer, obs):
        """(t_k, v): the highest demand each opponent type accepts for this offer's form, and its demand v."""
        opp = m.opp
        if isinstance(offer, FrequencyOffer):
            s = m.surplus_against(announced_counts=offer.counts)
            return s - self._cont(obs, opp, s), float(offer.demand)
        if isinstance(offer, PriceOffer):          # our combinatorial offer, as its footnote-15 equivalent
            offer = share_equivalent(m, offer, role=m.role)
            if offer is None:
                return None, None
        if isinstance(offer, ShareDemand):
            ann = np.asarray(offer.announced)
            s = m.surplus_against(announced_counts=counts_of(ann, m.m_own), announced_types=ann)
            return s - self._cont(obs, opp, s), float(offer.demand)
        if isinstance(offer, ItemOffers) and len(offer.items) == 1:
            x, p = int(np.asarray(offer.choices)[0]), float(np.asarray(offer.prices)[0])
            u_me = float(m.env.table(m.role)[x, m.own[0]])
            v = u_me + p if m.role == "a" else u_me - p
            return self._item_thresholds(m, obs, x), v
        return None, None

    def _item_thresholds(self, m: OpponentModel, obs, x: int) -> np.ndarray:
        k = m.opponent_type_index()
        w = float(m.env.table(m.role)[x, m.own[0]]) + m.env.table(m.opp)[x, k]
        s_resp = m.opponent_expected_surplus()           # what a responder of type k expects (prior)
        return w - self._cont(obs, m.opp, s_resp)

    # ----------------------------------------------------------- decisions
    def best_demand(self, obs, m: OpponentModel, t: np.ndarray, candidates: np.ndarray) -> float:
        """argmax over candidates of P(accept | v)·v + (1 − P(accept | v))·C(v)."""
        g, p, S = self.gamma, m.belief.probs, m.S
        order = np.argsort(t, kind="stable")
        ts, ps, pS = t[order], p[order], (p * S)[order]
        cum_p = np.concatenate(([0.0], np.cumsum(ps)))
        cum_pS = np.concatenate(([0.0], np.cumsum(pS)))
        tol = TOLERANCE * np.maximum(1.0, np.abs(candidates))
        idx = np.searchsorted(ts, candidates - tol, side="left")     # types k < idx reject
        p_rej_types = cum_p[idx]
        p_acc = (1 - g) * (1.0 - p_rej_types) + g / 2
        w_rej = (1 - g) * p_rej_types + g / 2
        s_rej = ((1 - g) * cum_pS[idx] + g / 2 * cum_pS[-1]) / np.maximum(w_rej, 1e-300)
        c = self._cont(obs, m.role, s_rej)
        if obs.protocol.recognition == "alternating":
            c = obs.discount * c
        value = p_acc * candidates + (1 - p_acc) * c
        return float(candidates[int(np.argmax(value))])

    def act(self, obs, space, rng):
        if obs.phase == "announce":
            return Announce(nearest_announcement(obs.own_types, obs.offer.counts))
        if obs.phase == "settle":
            return settle_efficiently(obs)
        m = self.model(obs)
        if obs.phase == "offer":
            return self.offer(obs, space, m)
        return self.respond(obs, space, m)

    def offer(self, obs, space, m: OpponentModel):
        if isinstance(space, FrequencyOfferSpace):
            t = m.surplus_against()
            t = t - self._cont(obs, m.opp, t)
            v = self.best_demand(obs, m, t, _candidates(space.demands, t))
            return FrequencyOffer(m.own_counts.copy(), v)
        if isinstance(space, ShareDemandSpace):
            s = m.S
            t = s - self._cont(obs, m.opp, s)
            v = self.best_demand(obs, m, t, _candidates(space.demands, t))
            return ShareDemand(m.own.copy(), space.demands.floor(v))
        if isinstance(space, ItemOfferSpace) and len(space.items) == 1:
            x = int(plausible_choices(obs)[0])
            u_me = float(m.env.table(m.role)[x, m.own[0]])
            t = self._item_thresholds(m, obs, x)
            prices = space.prices
            if prices.grid is not None:
                cand = u_me + np.asarray(prices.grid) if m.role == "a" else u_me - np.asarray(prices.grid)
            else:
                lo, hi = (u_me + prices.low, u_me + prices.high) if m.role == "a" else (u_me - prices.high,
                                                                                        u_me - prices.low)
                cand = np.concatenate((np.clip(t, lo, hi), [hi]))
            v = self.best_demand(obs, m, t, np.unique(cand))
            price = v - u_me if m.role == "a" else u_me - v
            price = min(max(price, prices.low), prices.high)
            if prices.grid is not None:
                price = prices.floor(price) if m.role == "a" else prices.ceil(price)
            return ItemOffers(np.asarray(space.items).copy(), np.array([x], dtype=np.intp), np.array([price]))
        if isinstance(space, PriceOfferSpace):
            # Combinatorial (§3.3.2): the footnote-15 equivalent of the share-demanding offer.
            s = m.S
            t = s - self._cont(obs, m.opp, s)
            v = self.best_demand(obs, m, t, np.unique(np.concatenate((np.maximum(t, 0.0), [max(t.max(), 0.0)]))))
            return offer_demanding(obs, space, v)
        # Item by item with several items (§3.3.1, Appendix A.1's first protocol): the Rubinstein demand on
        # the posterior-expected surplus of the open items, split over them by their expected surplus.
        return offer_demanding(obs, space, self._demand(obs, m.role, float(m.belief.expect(m.S))))

    def respond(self, obs, space, m: OpponentModel):
        need = self._cont(obs, obs.role, float(m.belief.expect(m.S)))
        offer = obs.offer
        if isinstance(offer, FrequencyOffer):
            value = m.surplus_given_announced(offer.counts) - offer.demand
            return ACCEPT_TERMS if accepts(value, need) else REJECT
        if isinstance(offer, ShareDemand):
            return respond_requiring(obs, space, 0.0, required_total=need)
        e = np.full(len(obs.open_items), float(m.belief.expect(m.S)) / max(len(obs.open_items), 1))
        per_unit = self._cont(obs, obs.role, 1.0)
        return respond_requiring(obs, space, per_unit, item_surplus=e)


def share_equivalent(m: OpponentModel, offer: PriceOffer, role: str | None = None):
    """The share-demanding offer (θ̂, v) a combinatorial offer is the footnote-15 equivalent of, or None.

    Alice's p(x) = v − Σ_k u_a(x_k, θ̂_ak), Bob's p(x) = Σ_k u_b(x_k, θ̂_bk) − v: row k of the price table,
    less its entry at the null choice, is ∓u(·, θ̂_k) (u(null, ·) = 0), which names θ̂_k when exactly one
    type's utility column matches; v is ±p at the all-null bundle. An offer with a non-additive part, or
    a row no type matches (a tremble, or a table rounded to the grid P^Δ), has no equivalent: the belief
    then does not move (trembles are uniform over the price functions, so such an offer says nothing).
    ``role`` reads an offer of that role instead (our own, when the opponent rejects it).
    The combinatorial offer is read as its equivalent — announcement and demand — and updated on as in
    the share-demanding protocol (JSX §4.4: every share-demanding offer has this equivalent).
    """
    if offer.extra is not None:
        return None
    env, opp = m.env, (m.opp if role is None else role)      # the offerer (the opponent by default)
    t = np.asarray(offer.table, dtype=float)
    if t.shape != (m.n, len(env.choices)):
        return None
    null = env.null_choice
    sign = -1.0 if opp == "a" else 1.0
    rows = sign * (t - t[:, null:null + 1])                    # u(·, θ̂_k) per item
    cols = env.table(opp).T                                    # per type: u(·, type)
    hit = np.all(np.abs(rows[:, None, :] - cols[None, :, :]) <= 1e-9 * max(1.0, float(np.abs(cols).max())), axis=2)
    if not np.all(hit.sum(axis=1) == 1):
        return None
    ann = hit.argmax(axis=1)
    p_null = offer.constant + float(t[:, null].sum())
    return ShareDemand(ann, p_null if opp == "a" else -p_null)


def _candidates(demands, t: np.ndarray) -> np.ndarray:
    """Demands to compare: the grid V^{n,Δ}, or each type's threshold and the top of the interval."""
    if demands.grid is not None:
        return np.asarray(demands.grid, dtype=float)
    return np.unique(np.concatenate((np.clip(t, demands.low, demands.high), [demands.high])))


def nearest_announcement(own: np.ndarray, counts) -> np.ndarray:
    """θ̂ with the given counts, equal to the true types on as many items as possible (truthful when possible)."""
    own = np.asarray(own, dtype=np.intp)
    counts = np.asarray(counts, dtype=np.int64)
    ann = own.copy()
    excess = counts_of(own, len(counts)) - counts
    if not excess.any():
        return ann
    change = np.concatenate([np.flatnonzero(own == t)[:e] for t, e in enumerate(excess) if e > 0])
    fill = np.repeat(np.arange(len(counts)), np.maximum(-excess, 0))
    ann[change] = fill
    return ann


def settle_efficiently(obs):
    """Phase 2 responder (JSX footnote 16): the efficient x for announced and own types, if it covers v."""
    env, role = obs.env, obs.role
    terms = obs.offer
    offerer = _other(role)
    own = np.asarray(obs.own_types)
    x = env.best_choices(offerer, terms.announced, own)
    items = np.arange(env.n_items)
    value = env.utility(role, x, own, items) + env.utility(offerer, x, terms.announced, items) - terms.demand
    return Settle(x) if accepts(value, 0.0) else SAY_NO
