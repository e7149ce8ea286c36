"""Autograde's progress (course.grading.progress, drawn by tqdm): a live bar on a terminal, one
plain line per submission elsewhere, and tqdm imported only when a batch starts."""

from __future__ import annotations

import io
import subprocess
import sys

from course.grading.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_file_gets_one_plain_line_per_submission() -> None:
    out = io.StringIO()
    progress = Progress(2, stream=out)
    progress.step("alice/ps1 ok 6/6")
    progress.step("bob/ps1 timeout 2/6")
    progress.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and len(lines) == 2
    assert lines[0].startswith("[1/2]  50% alice/ps1 ok 6/6  elapsed 00:00, about ")
    assert lines[1].startswith("[2/2] 100% bob/ps1 timeout 2/6  elapsed 00:00, about 00:00 left")


def test_a_terminal_gets_one_live_bar_that_stays() -> None:
    out = Terminal()
    progress = Progress(2, stream=out)
    progress.step("alice/ps1 ok 6/6")
    progress.step("bob/ps1 ok 6/6")
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n"), "one bar, closed when the batch ends"
    final = text.rstrip("\n").split("\r")[-1]
    assert final.startswith("[2/2] 100%|") and "| bob/ps1 ok 6/6  elapsed " in final
    assert "alice/ps1 ok 6/6" in text


def test_tqdm_is_imported_only_when_a_batch_starts() -> None:
    code = ("import sys, course.grading.autograde, course.cli; "
            "print('tqdm' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert shown == "False"
