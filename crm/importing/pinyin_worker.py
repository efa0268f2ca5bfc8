"""The pinyin of a list's names (db.pinyin), worked out in a second process while this one reads,
matches and writes the rows. pypinyin needs a fifth of a second to load its dictionaries and a few
microseconds a name: for 50,000 rows that is a fifth of the import, and the machines have two cores.

The process (`python -m crm.importing.pinyin_worker`, which imports no more than db.pinyin) is started
as soon as an import begins and loads pypinyin while the file is opened; names are sent to it as rows
are classified, and the whole answer comes back when asked for. If it cannot start or fails, the
names are worked out here instead: the worker only saves time."""
from __future__ import annotations

import pickle
import queue
import subprocess
import sys
import threading

from db.pinyin import contact_pinyin, organization_pinyin

# An answer comes back within a second for 100,000 names; past this the import derives them itself.
TIMEOUT_S = 10

Answer = tuple[dict[str, str | None], dict[str, str | None]]


class PinyinWorker:
    def __init__(self) -> None:
        self._answer: Answer | None = None
        self._questions: queue.SimpleQueue = queue.SimpleQueue()
        self._done = threading.Event()
        try:
            # -P: the working directory stays off sys.path (a queue.py there must not be imported).
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, TypeError, ValueError):  # no interpreter to start (sys.executable empty)
            self._process = None
            self._done.set()
            return
        # Threads talk to the process, so that the import never waits on a full pipe.
        threading.Thread(target=self._send, daemon=True, name="crm-pinyin-send").start()
        threading.Thread(target=self._receive, daemon=True, name="crm-pinyin-receive").start()

    def add(self, people: list[str], organizations: list[str]) -> None:
        """Normalised names (name_key) of people and organizations whose pinyin may be asked for."""
        self._questions.put((people, organizations))

    def result(self) -> Answer:
        """(person name key → pinyin, organization name key → pinyin) for every name added; empty maps
        when the worker failed."""
        self._questions.put(None)
        if not self._done.wait(TIMEOUT_S):
            self.close()
        return self._answer or ({}, {})

    def close(self) -> None:
        self._questions.put(None)  # ends the sending thread, asked or not
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def _send(self) -> None:
        try:
            while (question := self._questions.get()) is not None:
                pickle.dump(question, self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(None, self._process.stdin)
            self._process.stdin.close()
        except (OSError, ValueError):  # the worker is gone: _receive reports it
            pass

    def _receive(self) -> None:
        try:
            answer = self._process.stdout.read()
            if self._process.wait() == 0:
                self._answer = pickle.loads(answer)
        except Exception:  # noqa: BLE001 - a broken worker: the names are derived in the import instead
            pass
        finally:
            self._done.set()


def _serve() -> None:
    contact_pinyin("张三")  # loads pypinyin's dictionaries while the import opens its file
    people: dict[str, str | None] = {}
    organizations: dict[str, str | None] = {}
    source = sys.stdin.buffer
    while (question := pickle.load(source)) is not None:
        for key in question[0]:
            if key not in people:
                people[key] = contact_pinyin(key)
        for key in question[1]:
            if key not in organizations:
                organizations[key] = organization_pinyin(key)
    sys.stdout.buffer.write(pickle.dumps((people, organizations), protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    _serve()
