"""The agendas add up, fit the notebooks' estimated times, and INSTRUCTOR.md shows them."""

from __future__ import annotations

import re
import shutil

import pytest

from course import agenda, timing
from tests.notebook_tools import ROOT, read, solution_notebooks

AGENDAS = {a.key: a for a in agenda.load(ROOT / "instructor" / "agendas.yaml")}
ESTIMATES = timing.course_estimates(ROOT)


@pytest.mark.parametrize("key", sorted(AGENDAS))
def test_blocks_add_up_to_the_promised_length(key):
    plan = AGENDAS[key]
    assert sum(block.minutes for block in plan.blocks) == plan.total_minutes
    for day in plan.days:
        rows = day.rows()
        assert rows[0][0] == day.start
        assert all(earlier[1] == later[0] for earlier, later in zip(rows, rows[1:], strict=False))


def test_a_day_ends_by_evening():
    late = {(plan.key, number): day.rows()[-1][1] for plan in AGENDAS.values()
            for number, day in enumerate(plan.days, 1) if day.rows()[-1][1] > "18:00"}
    assert late == {}, f"(agenda, day): end time {late}"


def test_three_hours_are_three_hours():
    assert AGENDAS["three_hour"].total_minutes == 180


def test_two_days_give_every_module_its_estimated_time():
    given = AGENDAS[agenda.WHOLE_COURSE].minutes_by_module()
    short = {m: (given.get(m, 0), need) for m, need in ESTIMATES.items() if given.get(m, 0) < need}
    assert short == {}, f"module: (agenda minutes, estimated minutes) {short}"


def test_every_agenda_module_exists():
    for plan in AGENDAS.values():
        for module in plan.minutes_by_module():
            assert (ROOT / "solutions" / module / f"{module}.ipynb").is_file(), module


def test_instructor_guide_shows_the_current_agendas():
    text = (ROOT / "INSTRUCTOR.md").read_text(encoding="utf-8")
    rendered = agenda.render(list(AGENDAS.values()))
    assert agenda.splice(text, rendered) == text, "run: course generate"


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.parent.name)
def test_each_notebook_states_its_computed_estimate(path):
    intro = "".join("".join(c["source"]) for c in read(path)["cells"][:3] if c["cell_type"] == "markdown")
    stated = re.search(r"⏱️ About (\d+) minutes", intro)
    assert stated, f"{path.name}: no '⏱️ About N minutes' line near the top"
    assert int(stated.group(1)) == ESTIMATES[path.parent.name], "run: course generate"


def test_estimate_grows_with_content(tmp_path):
    source = ROOT / "solutions" / "01-identity-shift" / "01-identity-shift.ipynb"
    nb = read(source)
    base = timing.estimate(source)
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["word " * 400]})
    longer = tmp_path / "longer.ipynb"
    import json
    longer.write_text(json.dumps(nb))
    assert timing.estimate(longer).reading == pytest.approx(base.reading + 2.0)


def test_welcome_lists_every_module_with_its_estimate():
    welcome = ROOT / "solutions" / "00-welcome" / "00-welcome.ipynb"
    text = "".join("".join(c["source"]) for c in read(welcome)["cells"])
    listed = {m: int(t) for m, t in re.findall(r"\(\.\./([\w-]+)/[\w-]+\.ipynb\)[^\n]*\| ~(\d+) min", text)}
    assert listed == ESTIMATES


def test_welcome_states_the_course_total():
    welcome = ROOT / "solutions" / "00-welcome" / "00-welcome.ipynb"
    text = "".join("".join(c["source"]) for c in read(welcome)["cells"])
    assert timing.total_text(sum(ESTIMATES.values())) in text, "run: course generate"


def test_the_instructor_guide_states_the_same_total():
    guide = " ".join((ROOT / "INSTRUCTOR.md").read_text(encoding="utf-8").split())
    total = timing.about_text(sum(ESTIMATES.values()))
    assert f"{total} of notebook time" in guide, "INSTRUCTOR.md: run course generate"


def test_generate_rewrites_a_stale_guide_total(tmp_path):
    for name in ("course", "solutions", "instructor"):
        shutil.copytree(ROOT / name, tmp_path / name)
    guide = tmp_path / "INSTRUCTOR.md"
    current = (ROOT / "INSTRUCTOR.md").read_text(encoding="utf-8")
    stale = timing.GUIDE_TOTAL.sub(lambda m: "about 9 hours\n5 minutes" + m.group(1), current)
    assert stale != current
    guide.write_text(stale, encoding="utf-8")
    changed = timing.stated_estimates(tmp_path)
    assert set(changed) == {guide}  # nothing else is stale in a copy of main
    assert changed[guide] == current


def test_instructor_notes_state_the_estimate():
    for module, minutes in ESTIMATES.items():
        notes = (ROOT / "instructor" / f"{module}.md").read_text(encoding="utf-8")
        stated = timing.NOTED.search(notes)
        assert stated, f"instructor/{module}.md: no 'Suggested timing (N min' line"
        assert int(stated.group(2)) == minutes, f"instructor/{module}.md: run course generate"


def test_a_shortened_module_without_later_is_named(tmp_path, monkeypatch):
    text = (ROOT / "instructor" / "agendas.yaml").read_text(encoding="utf-8")
    cut = re.sub(r', later: "the three border tools[^"]*"', "", text)
    assert cut != text
    copy = tmp_path / "agendas.yaml"
    copy.write_text(cut, encoding="utf-8")
    monkeypatch.setattr(agenda, "plan", lambda root: copy)
    assert agenda.problems(ROOT) == [
        f"agenda three_hour: 02-ai-vs-ml-engineering gets 20 of its "
        f"{ESTIMATES['02-ai-vs-ml-engineering']} minutes and no block says what is left for later "
        "(add `later:`)"]


def test_the_guide_tells_the_room_what_is_left_for_later():
    text = (ROOT / "INSTRUCTOR.md").read_text(encoding="utf-8")
    assert text.count("*Later, on your own:*") == sum(
        1 for plan in AGENDAS.values() for block in plan.blocks if block.later)
