"""Autograde's progress on stderr, drawn by tqdm (imported only when a batch starts).

On a terminal: one live bar, ``[ 3/17]  18%|███▌    | alice/01-x ok 6/6  elapsed 00:12,
about 00:57 left``. Elsewhere (a log file, CI): one plain line per finished submission with the
same fields, never a carriage return. ``course autograde --quiet`` shows nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

FIELDS = "{desc}  elapsed {elapsed}, about {remaining} left"
PLAIN = "[{n_fmt}/{total_fmt}] {percentage:3.0f}% " + FIELDS
BAR = "[{n_fmt}/{total_fmt}] {percentage:3.0f}%|{bar:20}| " + FIELDS


class Progress:
    """Count finished items out of ``total``; each step names the item that finished."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar: tqdm | None = None
        if self.tty:
            from tqdm import tqdm

            # mininterval 0: every finished submission is shown (they are seconds apart)
            self.bar = tqdm(total=total, file=self.stream, bar_format=BAR, dynamic_ncols=True,
                            leave=True, mininterval=0)

    def step(self, label: str) -> None:
        """One more item finished."""
        self.done += 1
        if self.bar is not None:
            self.bar.set_description_str(label, refresh=False)
            self.bar.update(1)
            if self.done >= self.total:
                self.close()
            return
        from tqdm import tqdm

        line = tqdm.format_meter(self.done, self.total, time.monotonic() - self.started,
                                 bar_format=PLAIN, prefix=label)
        self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the live bar (it stays on screen); nothing to do for plain lines."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
