"""Test-only pause points, off unless the NETLOG_TEST_PAUSE variable names a folder.

Some races can only be tested by stopping netlog at an exact moment (holding
the write lock, just committed, closing the journal) while the test acts: a
second writer, a signal. With NETLOG_TEST_PAUSE=DIR, netlog stops at point P
only when DIR/P.hold exists: it creates DIR/P.reached and waits (at most a
minute) until the test removes DIR/P.hold. Unset, a point costs one lookup in
os.environ and does nothing.
"""

from __future__ import annotations

import os
import time

VARIABLE = "NETLOG_TEST_PAUSE"
POINTS = ("write-begin", "write-locked", "committed", "closing")


def pause(point: str) -> None:
    folder = os.environ.get(VARIABLE)
    if not folder:
        return
    hold = os.path.join(folder, f"{point}.hold")
    if not os.path.exists(hold):
        return
    with open(os.path.join(folder, f"{point}.reached"), "w"):
        pass
    deadline = time.monotonic() + 60
    while os.path.exists(hold) and time.monotonic() < deadline:
        time.sleep(0.005)
