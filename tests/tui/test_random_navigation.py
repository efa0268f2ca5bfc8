"""Random walks through the workbench on the small demo: section keys (F2–F8), Enter, Esc, arrows, Page
Down, Tab and `/` searches, in any order and on whatever screen they land. Any exception the app raises
(Pilot re-raises it) or logs from a database call fails the test, naming the seed and the last keys;
`CRM_TUI_SEED=<seed> pytest tests/tui/test_random_navigation.py` walks the same way again."""
from __future__ import annotations

import logging
import os
import random

import pytest

from tests.tui.conftest import SIZE, make_app
from tests.tui.contact_helpers import settle

STEPS = 250
# Key → weight: list keys most often, a section key now and then, so walks go deep and come back.
KEYS = {
    **dict.fromkeys(("f2", "f3", "f4", "f5", "f6", "f7", "f8"), 1.0),
    "enter": 5.0, "escape": 3.0, "down": 4.0, "up": 1.5, "left": 1.0, "right": 1.5, "pagedown": 1.5, "tab": 2.0,
    "/": 1.5,
}
# What follows `/`: Chinese, pinyin initials, refs, digits, and text that looks like markup.
SEARCHES = ("张", "zs", "P0", "示例", "A2", "138", "[VIP]", "光伏")


def walk(rng: random.Random, steps: int) -> list[tuple[str, ...]]:
    keys, weights = list(KEYS), list(KEYS.values())
    chosen = []
    for key in rng.choices(keys, weights, k=steps):
        chosen.append(("slash", *rng.choice(SEARCHES)) if key == "/" else (key,))
    return chosen


@pytest.fixture
def seed() -> int:
    return int(os.environ.get("CRM_TUI_SEED") or random.SystemRandom().randrange(1_000_000))


async def test_random_walks_raise_nothing(demo_sqlite, tmp_path, monkeypatch, caplog, seed):
    monkeypatch.chdir(tmp_path)  # F8 exports land here and F7 browses here
    caplog.set_level(logging.ERROR, logger="tui")
    app = make_app(demo_sqlite)
    done: list[tuple[str, str]] = []  # (the screen a key was pressed on, the key)

    def failed(what: str) -> str:
        trail = " ".join(f"{screen}:{'+'.join(keys)}" for screen, keys in done[-12:])
        return f"seed {seed}, step {len(done)} of {STEPS}: {what}; last keys: {trail}"

    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for keys in walk(random.Random(seed), STEPS):
                done.append((type(app.screen).__name__, keys))
                await pilot.press(*keys)
                await settle(pilot, rounds=5)
                assert app._exception is None, failed(repr(app._exception))
                assert app.is_running, failed("the app stopped")
                logged = [r.getMessage() for r in caplog.records]
                assert not logged, failed(f"logged {logged}")
    except AssertionError:
        raise
    except Exception as error:  # raised by the app, re-raised by Pilot
        raise AssertionError(failed(repr(error))) from error
