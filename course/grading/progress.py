"""A one-line progress indicator on stderr (no dependency)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``[ 3/17] 18% alice/01-x ok 6/6  elapsed 12 s, about 40 s left``."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()

    def step(self, label: str) -> None:
        """One more item finished."""
        self.done += 1
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        line = (f"[{self.done:>{len(str(self.total))}}/{self.total}] "
                f"{100 * self.done // max(1, self.total):3d}% {label}  "
                f"elapsed {elapsed:.0f} s, about {left:.0f} s left")
        if self.tty:
            self.stream.write("\r\033[K" + line + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
