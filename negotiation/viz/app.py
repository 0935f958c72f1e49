"""The interactive page: Mesa's SolaraViz over one negotiation, stepped move by move (``negotiate serve``).

Choose the environment, the protocol, Alice's and Bob's strategies (seller's and buyer's in
mediation), the number of items and the seed; step through the play move by move (Mesa's Step
button) or run it (▶); the game tree, the timeline and the outcome update after every move.
The second tab runs a batch of plays and shows their merged tree and the summary.

A person can take a seat: set "seat" to Alice or Bob and the page offers the legal actions of
the current state as controls (:class:`negotiation.viz.seat.SeatDriver`: a price per open item,
the items to accept, a demand, accept/reject); an illegal entry is refused with the action
space's reason; the other side answers by its strategy; the finished play is recorded into the
same game tree as the batch's and shown beside the theory (Rubinstein's split of the realized
first best, JSX Theorems 1–2), so a class sees what it left on the table.

Runs fully offline with ``solara[assets]`` (see the ``viz`` extra in pyproject.toml):
``solara run negotiation/viz/app.py --host 127.0.0.1 --production --no-open``.
"""

from __future__ import annotations

import math

import mesa
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from negotiation import registry
from negotiation.environment import ENVIRONMENTS
from negotiation.errors import IllegalAction, ParameterError
from negotiation.gametree import GameTree
from negotiation.mesa_compat import release_agent_ids
from negotiation.viz.plays import is_mediation, make_play, play_title

registry.load_builtins()

#: One merged tree per configuration for the server's lifetime: single plays, the person's plays and
#: the batch tab's all land in the same tree.
TREES: dict = {}
SEAT_CHOICES = ["nobody", "Alice", "Bob"]


def tree_for(config: tuple) -> GameTree:
    return TREES.setdefault(config, GameTree())


class PageModel(mesa.Model):
    """One play on the page; ``step`` is one move (one event of the play's own simulator)."""

    def __init__(self, protocol="item-by-item", alice="rubinstein", bob="screening", env="exchange", n_items=2,
                 seed="0", seat="nobody"):
        super().__init__()
        release_agent_ids(self)
        self.protocol, self.alice, self.bob, self.env_name = protocol, alice, bob, env
        self.sets = {} if is_mediation(protocol) else {"n_items": int(n_items)}
        self.error, self.refused, self.driver, self.play = "", "", None, None
        try:
            self.seed = int(str(seed).strip())
            if self.seed < 0:
                raise ValueError
        except ValueError:
            self.error, self.seed = f"seed: must be an integer >= 0, got {seed!r}", 0
        self.config = (protocol, alice, bob, env, tuple(sorted(self.sets.items())))
        self.tree = tree_for(self.config)
        if not self.error:
            try:
                if seat in ("Alice", "Bob"):
                    from negotiation.viz.seat import SeatDriver

                    self.driver = SeatDriver(protocol, alice, bob, seat=seat, env=env, sets=self.sets,
                                             seed=self.seed, tree=self.tree)
                    self.play = self.driver.model
                else:
                    self.play = make_play(protocol, alice, bob, env=env, sets=self.sets, seed=self.seed,
                                          tree=self.tree)
            except (ParameterError, IllegalAction) as e:
                self.error = " ".join(str(e).split())
        self.running = self.play is not None and not self.done

    @property
    def mediation(self) -> bool:
        return is_mediation(self.protocol)

    @property
    def done(self) -> bool:
        if self.play is None:
            return True
        if self.mediation:
            return self.play.outcome is not None
        return self.play.state.mover() is None

    def step(self):
        """One move by a strategy (nothing while it is the person's turn)."""
        if self.play is None or self.done:
            self.running = False
            return
        if self.driver is not None and self.driver.your_turn:
            return
        try:
            self.play.step()
        except (ParameterError, IllegalAction) as e:
            self.error = " ".join(str(e).split())
        if self.done:
            self.play.run()            # fixes the outcome and records the play in the tree
            self.running = False

    def submit(self, entry: dict) -> None:
        """The person's move (refused entries leave the play as it was, with the reason shown)."""
        self.refused = self.driver.submit(entry) or ""
        self.running = not self.done

    def title(self, what: str) -> str:
        return play_title(what, self.protocol, self.alice, self.bob, env=self.env_name, sets=self.sets,
                          seed=self.seed)


# ---------------------------------------------------------------------------------- components
@solara.component
def Outcome(model: PageModel):
    """The play's state in words; the numbers the browser test reads."""
    update_counter.get()
    if model.error:
        return solara.Error(f"error: {model.error}")
    lines = [f"**{model.title('one play')}**".replace("\n", " — ")]
    if model.mediation:
        o = model.play.outcome
        lines.append(f"events so far: {len(model.play.discoveries)}")
        if o is not None:
            lines.append(f"outcome: {'trade' if o.traded else 'no trade'}; seller payoff = {o.seller_payoff:.6f}; "
                         f"buyer payoff = {o.buyer_payoff:.6f}; surplus = {o.surplus:.6f} of {o.first_best:.6f}")
    else:
        st = model.play.state
        lines.append(f"period {st.period}; moves so far: {len(st.history)}; "
                     f"{'finished' if model.done else ('your turn' if model.driver and model.driver.your_turn else 'next: ' + ('Alice' if st.mover() == 'a' else 'Bob'))}")
        if model.done:
            o = model.play.run()
            lines.append(f"outcome: payoff_a = {o.payoff_a:.6f}; payoff_b = {o.payoff_b:.6f}; "
                         f"efficiency = {o.efficiency:.6f}")
            lines.append(theory_line(model, o))
    return solara.Markdown("\n\n".join(lines))


def theory_line(model: PageModel, o) -> str:
    """Beside the play: Rubinstein's split of this draw's first best (immediate agreement, JSX Thms 1–2)."""
    from negotiation.theory import expected_shares

    env = model.play.env
    ta, tb = expected_shares(o.first_best, env.discount_a, env.discount_b)
    left = o.first_best - o.discounted_surplus
    return (f"theory (efficient, immediate Rubinstein split of the first best {o.first_best:.4g}): "
            f"Alice {ta:.4g}, Bob {tb:.4g}; money left on the table: {left:.4g}")


@solara.component
def Seat(model: PageModel):
    """Controls for the person's move: the legal actions of the current state."""
    update_counter.get()
    prices = solara.use_reactive({})            # hooks first: the rules of hooks forbid them after a return
    accepted = solara.use_reactive(frozenset())
    demand = solara.use_reactive("")
    if model.driver is None:
        return solara.Text("seat: nobody (both sides are strategies); choose Alice or Bob to play yourself")
    c = model.driver.controls()

    def send(entry):
        model.submit(entry)
        if not model.refused:                  # a fresh form for the next move
            prices.set({})
            accepted.set(frozenset())
            demand.set("")
        force_update()

    with solara.Column() as col:
        solara.Markdown(f"**your seat: {'Alice' if model.driver.seat == 'a' else 'Bob'}** — your types "
                        f"{c.get('own_types', '')}; {c['text']}")
        if model.refused:
            solara.Error(f"refused: {model.refused}")
        if c["kind"] == "prices":
            solara.Text(f"prices in {c['prices']}")
            for k in c["items"]:
                solara.InputText(f"price item {k + 1}", value=str(prices.value.get(k, "")),
                                 on_value=lambda v, k=k: prices.set({**prices.value, k: v}), continuous_update=True)
            solara.Button("submit move", color="primary", on_click=lambda: send({"prices": dict(prices.value)}))
        elif c["kind"] == "subset":
            for k, p in c["offer"].items():
                solara.Checkbox(label=f"accept item {k + 1} at {p:g}", value=k in accepted.value,
                                on_value=lambda v, k=k: accepted.set(accepted.value | {k} if v else
                                                                     accepted.value - {k}))
            solara.Button("submit move", color="primary", on_click=lambda: send({"accept": sorted(accepted.value)}))
        elif c["kind"] == "demand":
            solara.InputText("demand", value=demand.value, on_value=demand.set, continuous_update=True)
            solara.Button("submit move", color="primary", on_click=lambda: send({"demand": demand.value}))
        elif c["kind"] == "accept":
            solara.Text(f"the offer demands {c['offer']['demand']:g}")
            solara.Button("accept", color="primary", on_click=lambda: send({"accept": True}))
            solara.Button("reject", on_click=lambda: send({"accept": False}))
        else:
            solara.Text(c["text"] + ("" if model.done else " — press Step (or ▶)"))
    return col


@solara.component
def Tree(model: PageModel):
    update_counter.get()
    if model.error or model.tree.arrays().visits[0] == 0:
        return solara.Text("no plays yet")
    from negotiation.viz.trees import draw_tree

    # A small budget: the page redraws after every move, and a slow redraw stalls the page's connection.
    fig = draw_tree(model.tree, max_nodes=40, max_depth=6,
                    title=model.title(f"game tree: {model.tree.plays} finished plays and this one")).fig
    return solara.FigureMatplotlib(fig, format="png")


@solara.component
def Timeline(model: PageModel):
    update_counter.get()
    if model.error:
        return solara.Text("")
    from negotiation.viz.timelines import draw_mediation_timeline, draw_timeline, timeline

    if model.mediation:
        if model.play.outcome is None:
            return solara.Text("the interval is drawn when the play ends (press ▶)")
        fig = draw_mediation_timeline(model.play.protocol, model.play.outcome, title=model.title("one play")).fig
    else:
        fig = draw_timeline(timeline(model.play), title=model.title("one play")).fig
    return solara.FigureMatplotlib(fig, format="png")


@solara.component
def Batch(model: PageModel):
    """Second tab: many plays of the same configuration merged into the page's tree, and their summary."""
    runs = solara.use_reactive(200)
    summary = solara.use_reactive("")
    with solara.Column() as col:
        solara.SliderInt("plays in the batch", value=runs, min=10, max=2000, step=10)

        def run_batch():
            if model.error or model.mediation:
                summary.set("batches run the alternating-offers protocols (use `negotiate run gm-…` for mediation)")
                return
            from negotiation.runner import simulate, summarize

            p = model.play
            df = simulate(p.env, p.protocol, registry.strategy(model.alice), registry.strategy(model.bob),
                          runs.value, seed=model.seed, tree=model.tree)
            s = summarize(df)
            summary.set("; ".join(f"{k} = {v['mean']:.4f} ± {v['se']:.4f}" for k, v in s.items()
                                  if isinstance(v, dict) and not math.isnan(v["mean"])))
            force_update()

        solara.Button("run batch", color="primary", on_click=run_batch)
        if summary.value:
            solara.Markdown(f"batch of {runs.value}: {summary.value}")
        Tree(model)
    return col


def Play(model: PageModel):
    """The first tab: outcome, the seat's controls, the timeline and the game tree, one below the other
    (one grid item: SolaraViz's draggable grid would otherwise stack separate items on each other)."""
    update_counter.get()
    with solara.Column(style={"min-width": "900px"}) as col:
        Outcome(model)
        Seat(model)
        Timeline(model)
        Tree(model)
    return col


def model_params() -> dict:
    protocols = sorted(registry.PROTOCOLS)
    strategies = sorted(registry.STRATEGIES)
    return {
        "protocol": {"type": "Select", "value": "item-by-item", "values": protocols, "label": "protocol"},
        "alice": {"type": "Select", "value": "rubinstein", "values": strategies, "label": "Alice (seller)"},
        "bob": {"type": "Select", "value": "screening", "values": strategies, "label": "Bob (buyer)"},
        "env": {"type": "Select", "value": "exchange", "values": list(ENVIRONMENTS), "label": "environment"},
        "n_items": {"type": "SliderInt", "value": 2, "min": 1, "max": 6, "step": 1, "label": "items"},
        "seed": {"type": "InputText", "value": "0", "label": "seed"},
        "seat": {"type": "Select", "value": "nobody", "values": SEAT_CHOICES, "label": "your seat"},
    }


model = PageModel()
page = SolaraViz(model, components=[(Play, 0), (Batch, 1)],
                 model_params=model_params(), name="negotiation-engine: play, watch, take a seat")
