"""Waiting in pilot tests: for a condition, never for a fixed time."""

from __future__ import annotations

import time


async def until(pilot, condition, what: str = "the condition", seconds: float = 30.0) -> None:
    """Wait until ``condition()`` holds (at most ``seconds``: then the test fails saying ``what``)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never held")
        await pilot.pause(0.02)


async def started(app, pilot) -> None:
    """The collection is listed in full and the workers that opened it are done. The workers
    start after the first screen is drawn, so waiting for them alone can come too early."""
    await until(pilot, lambda: getattr(app.screen, "listed_final", True), "the final listing")
    await app.workers.wait_for_complete()
    await pilot.pause()
