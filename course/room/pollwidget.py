"""``room.poll()``: a cell that shows the instructor's pushed question without re-running.

A background thread long-polls the server (``GET /api/rooms/CODE/poll?after=V&wait=S``)
and updates the ipywidgets in place: the question and a Send button while the poll is
open, "closed" when the instructor closes it, the room's spread and the answer once
revealed. Answers go through the same outbox as quiz answers.
"""

from __future__ import annotations

import html
import threading
from typing import Any, ClassVar

import ipywidgets as w

from course.room import client, identity
from course.room.questions import ADHOC_MODULE

WAIT_RETRY = 2.0


def _bars(results: dict[str, Any], options: dict[str, str], answer: Any) -> str:
    """The revealed spread as text bars (words and numbers, not colour alone)."""
    if not results.get("shown"):
        return (f"<p>{results.get('answered', 0)} answered: too few to show the spread "
                "without singling anyone out.</p>")
    histogram = results.get("histogram") or {}
    total = max(1, results.get("answered", 0))
    right = set(answer if isinstance(answer, list) else [answer])
    rows = []
    for key, text in options.items():
        count = histogram.get(key, 0)
        mark = " ✅ right answer" if key in right else ""
        bar = "█" * round(20 * count / total)
        rows.append(f"<tr><td>{html.escape(text)}{mark}</td><td><code>{bar}</code> "
                    f"{count}</td></tr>")
    return (f"<p>{results['answered']} answered.</p>"
            f"<table class='course-room-spread'>{''.join(rows)}</table>")


class PollWidget:
    """The poll cell's widgets and the thread that keeps them current."""

    current: ClassVar[PollWidget | None] = None

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.version = 0
        self.state: str | None = None
        self.question: dict[str, Any] | None = None
        self.attempts = 0
        self.header = w.HTML()
        self.prompt = w.HTML()
        self.choices: w.Widget = w.VBox()
        self.send_button = w.Button(description="Send", icon="paper-plane",
                                    button_style="primary", tooltip="Send your answer")
        self.send_button.on_click(lambda _b: self.send())
        self.message = w.HTML()
        self.results = w.HTML()
        self.box = w.VBox([self.header, self.prompt, self.choices, self.send_button,
                           self.message, self.results],
                          layout=w.Layout(border="1px solid #bbb", padding="6px 10px"))
        self.box.add_class("course-room-poll")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="course-room-poll", daemon=True)
        self._show_waiting()

    @classmethod
    def start(cls, interval: float = 20.0) -> PollWidget:
        if cls.current is not None:
            cls.current.stop()
        widget = cls(interval)
        cls.current = widget
        widget._thread.start()
        return widget

    def stop(self) -> None:
        self._stop.set()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.box._repr_mimebundle_(**kwargs)

    # -- display ---------------------------------------------------------------------------

    def _status(self, text: str) -> str:
        return f'<div role="status" aria-live="polite">{text}</div>'

    def _show_waiting(self) -> None:
        joined = client.session()
        where = f"room {joined['code']}" if joined else "no room (run room.join first)"
        self.header.value = self._status(f"<strong>Live poll</strong> · {html.escape(where)}"
                                         " · waiting for the instructor's question…")
        self.send_button.layout.display = "none"

    def _show(self, view: dict[str, Any]) -> None:
        poll = view.get("poll")
        if not poll:
            self._show_waiting()
            return
        question = poll["question"]
        new = (self.question is None or self.question.get("id") != question.get("id")
               or self.question.get("module") != question.get("module"))
        if new:
            self.question = question
            self.attempts = 0
            self.prompt.value = f"<p>{html.escape(question.get('prompt', ''))}</p>"
            options = question.get("options", {})
            if question.get("type") == "multiple":
                self.boxes = {k: w.Checkbox(value=False, description=t, indent=False)
                              for k, t in options.items()}
                self.choices.children = tuple(self.boxes.values())
            else:
                self.radio = w.RadioButtons(options=[(t, k) for k, t in options.items()],
                                            value=None, description="Answer:",
                                            style={"description_width": "initial"})
                self.choices.children = (self.radio,)
            self.message.value = ""
            self.results.value = ""
        self.state = poll["state"]
        label = {"open": "open: answer now", "closed": "closed",
                 "revealed": "closed, answers revealed"}[self.state]
        self.header.value = self._status(f"<strong>Live poll</strong> · {label}")
        self.send_button.layout.display = None if self.state == "open" else "none"
        for child in self.choices.children:
            child.disabled = self.state != "open"
        if self.state == "revealed":
            self.results.value = _bars(poll.get("results", {}), question.get("options", {}),
                                       poll.get("answer"))

    # -- answering -------------------------------------------------------------------------

    def chosen(self) -> Any:
        if self.question and self.question.get("type") == "multiple":
            return [k for k, box in self.boxes.items() if box.value]
        return getattr(self, "radio", None) and self.radio.value

    def send(self) -> dict[str, Any] | None:
        """Queue the chosen answer (graded here for bank questions, by the server for ad-hoc)."""
        if not self.question or self.state != "open":
            return None
        answer = self.chosen()
        if answer in (None, []):
            self.message.value = self._status("⚠️ Pick an option first.")
            return None
        correct = self._correct(answer)
        self.attempts += 1
        event = client.send(self.question["module"], self.question["id"],
                            self.question.get("type", "single"), answer, correct,
                            self.attempts)
        if event is None:
            self.message.value = self._status("⚠️ Join a room first: room.join(...).")
            return None
        self.message.value = self._status("Sent. The instructor will reveal the spread.")
        return event

    def _correct(self, answer: Any) -> bool:
        assert self.question is not None
        if self.question["module"] == ADHOC_MODULE:
            return False  # the server grades ad-hoc polls: learners never hold the answer
        from course.quiz import grading
        from course.room.questions import bank_question

        question = bank_question(self.question["module"], self.question["id"])
        return bool(grading.grade(question, answer).correct)

    # -- background ------------------------------------------------------------------------

    def _run(self) -> None:
        import httpx

        from course.room.hub import auth_headers

        with httpx.Client(timeout=self.interval + 10) as http:
            while not self._stop.is_set():
                joined = identity.read_session()
                if not joined:
                    self._stop.wait(WAIT_RETRY)
                    continue
                try:
                    response = http.get(
                        f"{joined['server']}/api/rooms/{joined['code']}/poll",
                        params={"after": self.version, "wait": self.interval},
                        headers=auth_headers(joined["server"]))
                    response.raise_for_status()
                    view = response.json()
                except (httpx.HTTPError, ValueError):
                    self._stop.wait(WAIT_RETRY)
                    continue
                if self._stop.is_set():
                    break
                if view.get("version", 0) != self.version or self.state is None:
                    self.version = view.get("version", 0)
                    try:
                        self._show(view)
                    except Exception as exc:  # noqa: BLE001 - keep polling
                        self.message.value = self._status(f"⚠️ {html.escape(str(exc))}")
