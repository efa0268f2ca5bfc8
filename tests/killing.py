"""kill -9 a command at random moments and see what it left behind."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import TODAY


def start(args: list[str], **env: str) -> subprocess.Popen:
    """`crm ARGS` in a process of its own (so that it can be killed)."""
    return subprocess.Popen([sys.executable, "-m", "crm.cli.main", *args],
                            env={**os.environ, "CRM_TODAY": TODAY.isoformat(), **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def kill_after(process: subprocess.Popen, seconds: float) -> None:
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.wait()


def kill_while_writing(args: list[str], target: Path, *, tries: int, window: tuple[float, float], seed: int,
                       is_whole: Callable[[Path], bool]) -> list[str]:
    """Run the command `tries` times, killing it at a random moment in `window`; an existing `target`
    must come out byte for byte as it was ("kept"), or replaced by a whole new file ("replaced")."""
    rng = random.Random(seed)
    outcomes = []
    for _ in range(tries):
        before = target.read_bytes()
        kill_after(start(args), rng.uniform(*window))
        if target.read_bytes() == before:
            outcomes.append("kept")
        else:
            assert is_whole(target), "a killed command left a partial output file"
            outcomes.append("replaced")
    return outcomes
