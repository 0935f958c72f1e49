"""One play from names: the protocol, the two strategies, the environment, ``--set`` values and a seed.

The CLI's ``plot timeline``, the web page and the human-seat driver all start plays the way
``negotiate play`` does: JSX protocols on :class:`~negotiation.model.NegotiationModel` over one of
the environments of JSX §2; GM mediation procedures on
:class:`~negotiation.mediation.engine.MediationModel`, where Alice is the seller and Bob the buyer
(values uniform on [0, 1] unless the procedure has its own prior).
"""

from __future__ import annotations

from negotiation import registry
from negotiation.errors import ParameterError

#: ``--set`` keys that build the environment rather than the protocol (as ``negotiate play``).
ENV_KEYS = ("n_items", "discount", "discount_a", "discount_b")


def is_mediation(protocol: str) -> bool:
    from negotiation.mediation.engine import MediationProtocol

    registry.load_builtins()
    cls = registry.PROTOCOLS.get(protocol)
    return isinstance(cls, type) and issubclass(cls, MediationProtocol)


def make_play(protocol: str, alice: str, bob: str, *, env: str = "exchange", sets: dict | None = None, seed=0,
              tree=None, alice_strategy=None, bob_strategy=None):
    """A model of one play, not yet run. ``alice_strategy``/``bob_strategy``: strategy objects to use
    instead of the registry's (the human-seat driver passes its own)."""
    from negotiation.environment import ENVIRONMENTS

    registry.load_builtins()
    sets = dict(sets or {})
    a = alice_strategy if alice_strategy is not None else registry.strategy(alice)
    b = bob_strategy if bob_strategy is not None else registry.strategy(bob)
    if is_mediation(protocol):
        from negotiation.mediation.engine import MediationModel

        declared = registry.parameters_of(registry.PROTOCOLS[protocol])
        for key in sets:
            if key in declared and registry.declared_check(declared[key]) is None:
                raise ParameterError(key, "takes a Python object and cannot be set by name")
        return MediationModel(registry.protocol(protocol, **sets), b, a, seed=seed, tree=tree)
    if env not in ENVIRONMENTS:
        raise ParameterError("env", f"unknown environment {env!r}; choose one of {', '.join(ENVIRONMENTS)}")
    from negotiation.model import NegotiationModel

    env_kw = {k: sets.pop(k) for k in ENV_KEYS if k in sets}
    environment = ENVIRONMENTS[env](**env_kw)
    return NegotiationModel(environment, registry.protocol(protocol, **sets), a, b, seed=seed, tree=tree)


def play_title(what: str, protocol: str, alice: str, bob: str, *, env: str = "exchange", sets=None, seed=0) -> str:
    """A figure title naming the protocol, the strategies (seller/buyer in mediation) and the parameters."""
    from negotiation.viz import style

    mediation = is_mediation(protocol)
    params = {**({} if mediation else {"env": env}), **(sets or {}), "seed": seed}
    return style.title(what, protocol, alice, bob, params,
                       roles=("seller (Alice)", "buyer (Bob)") if mediation else ("Alice", "Bob"))
