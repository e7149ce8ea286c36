"""notebooks/ is exactly what `course release` makes of solutions/, and leaks nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course.nbcells import markers
from course.release import find_leaks, release
from tests.notebook_tools import ROOT, read, release_notebooks

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    release(ROOT, out_dir=out)
    return out


def _comparable(nb: dict) -> list[tuple[str, str, str]]:
    return [(c["cell_type"], "".join(c["source"]), json.dumps(c.get("metadata", {}), sort_keys=True))
            for c in nb["cells"]]


def test_release_matches_committed_notebooks(fresh_release: Path):
    fresh = sorted(p.relative_to(fresh_release) for p in fresh_release.glob("*/*.ipynb"))
    committed = sorted(p.relative_to(ROOT / "notebooks") for p in release_notebooks())
    assert fresh == committed, "notebooks/ and solutions/ hold different modules: run make release"
    stale = [str(rel) for rel in fresh
             if _comparable(read(fresh_release / rel)) != _comparable(read(ROOT / "notebooks" / rel))
             or read(fresh_release / rel)["metadata"] != read(ROOT / "notebooks" / rel)["metadata"]]
    assert not stale, f"out of date, run `make release`: {stale}"


@pytest.mark.parametrize("path", release_notebooks(), ids=lambda p: p.name)
def test_no_solution_or_hidden_test_text_in_release(path: Path):
    source = ROOT / "solutions" / path.parent.name / path.name
    assert find_leaks(path, source) == []


def test_leak_check_catches_a_leak(tmp_path: Path):
    source = ROOT / "solutions" / "01-identity-shift" / "01-identity-shift.ipynb"
    leaky = read(source)
    (tmp_path / source.name).write_text(json.dumps(leaky))
    leaks = find_leaks(tmp_path / source.name, source)
    assert {leak.text for leak in leaks} >= set(markers().all()[:2])
    assert "cell" in str(leaks[0]) and source.name in str(leaks[0])
