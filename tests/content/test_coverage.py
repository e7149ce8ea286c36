"""Every concept C1.1–C12.3 is taught in a tagged section and checked by a quiz or exercise."""

from __future__ import annotations

import json
from pathlib import Path

from course import coverage
from tests.notebook_tools import ROOT


def test_required_concepts_follow_the_design():
    ids = coverage.required_concepts()
    assert len(ids) >= 47  # 43 of the design's table, C11.1-C11.4 of the context lab, then more
    assert ids[0] == "C1.1" and "C10.6" in ids and "C3.9" in ids and "C4.7" in ids
    assert ids[ids.index("C10.6") + 1:ids.index("C10.6") + 5] == ["C11.1", "C11.2", "C11.3", "C11.4"]
    assert ids[-3:] == ["C12.1", "C12.2", "C12.3"]


def test_every_concept_is_taught_and_checked():
    missing = coverage.problems(ROOT)
    assert missing == [], "coverage gaps:\n" + "\n".join(missing)


def test_a_lost_section_is_reported(tmp_path: Path):
    source = ROOT / "solutions" / "01-identity-shift" / "01-identity-shift.ipynb"
    nb = json.loads(source.read_text())
    for cell in nb["cells"]:
        cell["source"] = [line.replace("<!-- C1.4 -->", "") for line in cell["source"]]
    copy = tmp_path / "solutions" / "01-identity-shift"
    copy.mkdir(parents=True)
    (copy / source.name).write_text(json.dumps(nb))
    entries = {k: v for k, v in coverage.load().items() if v.module == "01-identity-shift"}
    found = coverage.problems(tmp_path, entries)
    assert "C1.4: no section heading tagged <!-- C1.4 --> in 01-identity-shift.ipynb" in found
    assert any(line.startswith("C2.1: not in the coverage map") for line in found)


def test_a_lost_check_is_reported():
    entries = coverage.load()
    entries["C1.4"] = coverage.Entry("C1.4", "01-identity-shift", entries["C1.4"].section, (), ())
    assert "C1.4: no quiz question or exercise checks it" in coverage.problems(ROOT, entries)
