"""A virtual clock: every wait in the labs advances it at once, nothing really sleeps."""

from __future__ import annotations


class VirtualClock:
    """Simulated time in seconds. ``sleep`` moves time forward instantly.

    Pass ``clock.sleep`` wherever a library wants a sleep function (tenacity's
    ``sleep=`` argument, for example) so that waiting costs no real time.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)
        self.slept = 0.0

    def now(self) -> float:
        """The current simulated time in seconds."""
        return self._now

    def sleep(self, seconds: float) -> None:
        """Advance simulated time by ``seconds`` (a wait; counted in ``slept``)."""
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError(f"cannot sleep a negative time ({seconds})")
        self._now += seconds
        self.slept += seconds

    def advance(self, seconds: float) -> None:
        """Advance simulated time by ``seconds`` without counting it as a wait (work, not sleep)."""
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError(f"cannot move time backwards ({seconds})")
        self._now += seconds

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now:.3f})"
