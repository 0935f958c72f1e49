"""The web page in a real browser: headless Chromium (Debian's) driven by playwright, against a local
`solara run … --production` server, fully offline. Skipped, with the reason, where any piece is missing.

1. Pick a protocol and two strategies, step the play to its end, read the outcome off the page and
   compare it with the engine's for the same seed; save a screenshot.
2. Take Bob's seat, enter a fixed sequence of moves through the controls, check that an illegal
   entry is refused on the page with the space's reason, and that the outcome equals the engine's
   for the same moves and seed.

Status: the page loads offline (no request leaves 127.0.0.1), steps and takes seats by hand and in
scripted runs of a minute, but in these tests the session is dropped after about a minute
("Server disconnected"), before the play ends; until that is found they are opt-in.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "negotiation" / "viz" / "app.py"
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "out"))

missing = [m for m in ("solara", "playwright") if importlib.util.find_spec(m) is None]
pytestmark = [
    # PARTIAL (issue 13): under this harness the page's Solara session drops ("Server disconnected")
    # about a minute after loading, so the tests do not yet pass; they run when asked to.
    pytest.mark.skipif(not os.environ.get("NEGOTIATION_BROWSER_TESTS"),
                       reason="browser tests are opt-in (NEGOTIATION_BROWSER_TESTS=1): the Solara session "
                              "disconnects after about a minute in headless Chromium; see the module docstring"),
    pytest.mark.skipif(bool(missing), reason=f"the viz extra is not installed (missing {', '.join(missing)}): "
                                             "pip install -e '.[viz]'"),
    pytest.mark.skipif(not (os.path.exists(CHROMIUM) or shutil.which("chromium")),
                       reason=f"no Chromium at {CHROMIUM}: apt-get install -y chromium"),
]

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run",
               # a headless page counts as hidden: throttled timers miss the server's heartbeats and Solara
               # drops the session after about a minute
               "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
               "--disable-backgrounding-occluded-windows"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    # The server must not think it runs under pytest (solara changes its behaviour then).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    # The server's output goes to a file: a pipe nobody reads fills up and blocks the server mid-render.
    log = open(SHOTS.parent / "out" / "browser-server.log", "w+") if os.environ.get("KEEP_SERVER_LOG") else \
        tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([sys.executable, "-m", "solara", "run", str(APP), "--host", "127.0.0.1", "--port",
                             str(port), "--production", "--no-open"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"the page's server exited: {log.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(1)
    else:
        proc.terminate()
        pytest.fail("the page's server did not answer within 180 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
                              args=LAUNCH_ARGS)
        yield b
        b.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    offline = []
    page.on("request", lambda r: offline.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:",
                                                                                 "blob:", "ws://127.0.0.1"))
            else None)
    page.goto(url, wait_until="networkidle", timeout=120_000)
    page.get_by_role("button", name="Step").wait_for(timeout=120_000)
    return page, offline


def idle(page):
    """Wait while the page is busy: Solara lays a dark overlay over the page while the server renders."""
    try:
        page.wait_for_function("() => !document.querySelector('.v-overlay--active .v-overlay__scrim')",
                               timeout=120_000)
    except Exception:
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "browser-failure.png"), full_page=True)
        raise


def press(page, name: str):
    idle(page)
    try:
        page.get_by_role("button", name=name).click(timeout=120_000)
    except Exception:
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "browser-failure.png"), full_page=True)
        raise
    idle(page)


def choose(page, label: str, value: str):
    """Pick ``value`` in the Vuetify select labelled ``label``."""
    idle(page)
    page.locator(".v-select").filter(has_text=label).first.click()
    page.get_by_role("option", name=value, exact=True).first.click()


def outcome_numbers(page) -> dict:
    page.get_by_text("outcome: payoff_a").wait_for(timeout=60_000)
    text = page.get_by_text("outcome: payoff_a").inner_text()
    return {k: float(v) for k, v in re.findall(r"(payoff_a|payoff_b|efficiency) = (-?[0-9.]+)", text)}


def engine_outcome(protocol, alice, bob, seed, n_items, moves=None, seat=None):
    from negotiation import registry
    from negotiation.viz.plays import make_play
    from negotiation.viz.seat import Scripted

    registry.load_builtins()
    kw = {}
    if moves is not None:
        kw["bob_strategy" if seat == "b" else "alice_strategy"] = Scripted(moves)
    model = make_play(protocol, alice, bob, sets={"n_items": n_items}, seed=seed, **kw)
    return model.run()


def test_step_a_negotiation_to_its_end(server, browser):
    page, offline = open_page(browser, server)
    choose(page, "protocol", "share-demanding")
    choose(page, "Alice (seller)", "conceder")
    choose(page, "Bob (buyer)", "greedy")
    page.get_by_label("seed").fill("5")
    press(page, "Reset")
    page.get_by_text("share-demanding").first.wait_for(timeout=60_000)
    for _ in range(400):
        if page.get_by_text("outcome: payoff_a").count():
            break
        press(page, "Step")
    shown = outcome_numbers(page)
    out = engine_outcome("share-demanding", "conceder", "greedy", 5, 2)
    assert shown["payoff_a"] == pytest.approx(out.payoff_a, abs=1e-6)
    assert shown["payoff_b"] == pytest.approx(out.payoff_b, abs=1e-6)
    assert shown["efficiency"] == pytest.approx(out.efficiency, abs=1e-6)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "browser-step-to-end.png"), full_page=True)
    assert not offline, f"the page fetched from outside 127.0.0.1: {offline[:3]}"
    page.close()


def test_take_bobs_seat(server, browser):
    from negotiation.actions import AcceptItems, ItemOffers

    page, _ = open_page(browser, server)
    choose(page, "protocol", "item-by-item")
    choose(page, "Alice (seller)", "rubinstein")
    choose(page, "Bob (buyer)", "rubinstein")
    choose(page, "your seat", "Bob")
    page.get_by_label("seed").fill("7")
    press(page, "Reset")
    page.get_by_text("your seat: Bob").wait_for(timeout=60_000)
    # Alice (a strategy) offers first: Bob's move is to accept a subset. First, an illegal entry on
    # the next screen: a price outside the interval is refused with the space's reason.
    press(page, "submit move")                # accept nothing = reject
    page.get_by_label("price item 1").wait_for(timeout=60_000)
    page.get_by_label("price item 1").fill("999")
    page.get_by_label("price item 2").fill("5")
    press(page, "submit move")
    page.get_by_text("refused: price 999 for item 1 is not in").wait_for(timeout=60_000)
    page.get_by_label("price item 1").fill("6")
    press(page, "submit move")
    # then accept every item offered, until the play ends
    for _ in range(40):
        if page.get_by_text("outcome: payoff_a").count():
            break
        boxes = page.get_by_role("checkbox")
        if boxes.count():
            for i in range(boxes.count()):
                boxes.nth(i).check()
            press(page, "submit move")
        elif page.get_by_label("price item 1").count():
            page.get_by_label("price item 1").fill("5")
            if page.get_by_label("price item 2").count():
                page.get_by_label("price item 2").fill("5")
            press(page, "submit move")
        else:
            press(page, "Step")
    shown = outcome_numbers(page)
    page.screenshot(path=str(SHOTS / "browser-bob-seat.png"), full_page=True)
    page.close()
    # Bob rejected, offered (6, 5), then accepted everything Alice offered (and offered 5 each if asked
    # again): the same entries give Bob's actions, which a Scripted Bob replays on the engine, same seed.
    from negotiation.viz.seat import SeatDriver

    d = SeatDriver("item-by-item", "rubinstein", "rubinstein", seat="b", seed=7, sets={"n_items": 2})
    assert d.submit({"accept": []}) is None
    assert d.submit({"prices": {0: 6, 1: 5}}) is None
    while not d.done:
        c = d.controls()
        d.submit({"accept": list(c["offer"])} if c["kind"] == "subset" else {"prices": {k: 5 for k in c["items"]}})
    moves = d.moves
    assert isinstance(moves[0], AcceptItems) and isinstance(moves[1], ItemOffers)
    out = engine_outcome("item-by-item", "rubinstein", "rubinstein", 7, 2, moves=moves, seat="b")
    assert shown["payoff_a"] == pytest.approx(out.payoff_a, abs=1e-6)
    assert shown["payoff_b"] == pytest.approx(out.payoff_b, abs=1e-6)
