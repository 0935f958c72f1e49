"""One style for every figure of the engine: colours, fonts, titles and the PNG/SVG writer.

Scenarios, tournaments, the CLI and the web page draw through here so that a party has the
same colour everywhere (Alice / the buyer blue, Bob / the seller orange, chance grey) and every
figure is titled with what produced it: the protocol, the two strategies and the parameters.

Figures are built on :class:`matplotlib.figure.Figure` directly, not through ``pyplot``: no
global figure registry, so the web page's threads can draw side by side and nothing needs closing.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")   # no screen on the machines this runs on
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from negotiation.errors import ParameterError  # noqa: E402

#: One colour per party, the same in every figure (the mediation papers' buyer plays Alice's part).
PARTY_COLOURS = {"a": "tab:blue", "b": "tab:orange", "buyer": "tab:blue", "seller": "tab:orange",
                 "chance": "0.55", "both": "tab:purple", "nobody": "0.3"}
PARTY_NAMES = {"a": "Alice", "b": "Bob", "buyer": "buyer", "seller": "seller", "chance": "chance"}
THEORY_COLOUR = "black"
FONT = 8            # body text, points
SMALL = 7           # labels inside plots
TITLE = 9
DPI = 110
#: The formats figures are written in; ``save`` refuses others (one line, naming the path).
FORMATS = (".png", ".svg")


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` × ``height`` inches with the engine's style."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)     # a renderer of its own: text extents can be measured, PNGs written
    fig.patch.set_facecolor("white")
    return fig


def describe(protocol: str | None = None, alice: str | None = None, bob: str | None = None,
             params: dict | None = None, *, roles=("Alice", "Bob")) -> str:
    """"item-by-item · Alice: rubinstein · Bob: screening · n_items=2, discount=0.9": what made a figure."""
    parts = []
    if protocol:
        parts.append(str(protocol))
    if alice or bob:
        parts.append(f"{roles[0]}: {alice or '?'} · {roles[1]}: {bob or '?'}")
    if params:
        parts.append(", ".join(f"{k}={_short(v)}" for k, v in params.items() if v is not None and v != ""))
    return " · ".join(p for p in parts if p)


def title(what: str, protocol=None, alice=None, bob=None, params=None, *, roles=("Alice", "Bob"),
          width: int = 110) -> str:
    """A figure title: what it shows, then the protocol, strategies and parameters, wrapped to ``width``."""
    tail = describe(protocol, alice, bob, params, roles=roles)
    text = what if not tail else f"{what}\n{tail}"
    return "\n".join(textwrap.fill(line, width) for line in text.splitlines())


def _short(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        inner = ",".join(_short(x) for x in v[:6])
        return f"[{inner}{',…' if len(v) > 6 else ''}]"
    return str(v)


def save(fig: Figure, path, formats=None) -> list[Path]:
    """Write ``fig`` to ``path`` and, for each suffix in ``formats`` (e.g. (".png", ".svg")), beside it.

    Returns the files written. The directory must exist (a one-line error otherwise).
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise ParameterError("figure", f"the directory of {str(path)!r} does not exist")
    suffixes = [path.suffix.lower()] + [s for s in (formats or ()) if s != path.suffix.lower()]
    written = []
    for suffix in suffixes:
        target = path.with_suffix(suffix)
        fig.savefig(target, dpi=DPI, facecolor="white")
        written.append(target)
    return written
