"""Answer course quizzes in the browser the way a learner does: click, tick, type."""

from __future__ import annotations

import re
from typing import Any

import jlab
from playwright.sync_api import Locator, Page, expect

from course.quiz import markdown as md

FEEDBACK_TIMEOUT_MS = 30_000
NUMBERING = re.compile(r"^\d+\.\s+")


def question_box(cell: Locator, number: int = 1) -> Locator:
    """The bordered box of question ``number`` (1-based) in a quiz cell's output."""
    boxes = cell.locator(".widget-vbox").filter(has_text=f"Question {number} ·")
    return boxes.last  # the innermost match: the group box contains every question


def option_text(question: Any, key: str) -> str:
    """The visible label of option ``key`` (markdown stripped)."""
    return md.to_text(question.options[key])


def check(box: Locator, expected: str) -> Locator:
    """Click Check and wait for feedback containing ``expected``; return the feedback."""
    box.get_by_role("button", name="Check").click()
    feedback = box.get_by_role("status").first
    expect(feedback).to_contain_text(expected, timeout=FEEDBACK_TIMEOUT_MS)
    return feedback


def answer_single(box: Locator, question: Any, key: str) -> None:
    """Click the radio button of option ``key``."""
    box.get_by_role("radio", name=option_text(question, key), exact=True).check()


def answer_multiple(box: Locator, question: Any, keys: list[str]) -> None:
    """Tick exactly the checkboxes of ``keys``."""
    for key in question.options:
        box_ = box.get_by_role("checkbox", name=option_text(question, key), exact=True)
        box_.set_checked(key in keys)


def answer_text(box: Locator, value: str) -> None:
    """Type ``value`` into the question's text box."""
    field = box.get_by_role("textbox")
    field.fill(value)
    expect(field).to_have_value(value)


def _plain(text: str) -> str:
    return " ".join(NUMBERING.sub("", text.replace("\xa0", " ")).split())


def current_order(select: Locator, question: Any) -> list[str]:
    """The option keys in the order the list box shows them."""
    by_text = {" ".join(option_text(question, k).split()): k for k in question.options}
    return [by_text[_plain(text)] for text in select.locator("option").all_inner_texts()]


def _first_misplaced(order: list[str], wanted: list[str]) -> int:
    return next(i for i, (have, want) in enumerate(zip(order, wanted, strict=True)) if have != want)


def answer_ordering(page: Page, box: Locator, question: Any, wanted: list[str]) -> None:
    """Select an item and press "Move up" until the list box shows ``wanted``.

    ipywidgets holds back a widget's state update while its previous one is unanswered, so
    a click can reach the kernel before the new selection does and move the old item. Each
    step therefore waits for the kernel to go idle after selecting, then for the list to
    change, and re-reads the list before the next step instead of trusting a plan.
    """
    select = box.locator("select")
    options = select.locator("option")
    limit = len(wanted) ** 2 + 4
    for _ in range(limit):
        order = current_order(select, question)
        if order == wanted:
            return
        target = _first_misplaced(order, wanted)
        position = order.index(wanted[target])
        select.select_option(index=position)
        expect(select).to_have_value(options.nth(position).get_attribute("value") or "")
        jlab.wait_kernel_idle(page)
        before = select.text_content() or ""
        box.get_by_role("button", name="Move up").click()
        expect(select).not_to_have_text(before, timeout=FEEDBACK_TIMEOUT_MS)
        jlab.wait_kernel_idle(page)
    raise AssertionError(f"list box never showed {wanted} after {limit} moves; "
                         f"it shows {current_order(select, question)}")
