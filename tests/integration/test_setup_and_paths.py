"""setup(), the renderer choice and dataset discovery (checkout and installed wheel)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from course import paths, render
from tests.notebook_tools import ROOT


@pytest.mark.parametrize("environ, expected", [
    ({}, "svg"),
    ({"JPY_SESSION_NAME": "/lab/01.ipynb"}, "live"),
    ({"JPY_SESSION_NAME": "x", "NBGRADER_EXECUTION": "autograde"}, "svg"),
    ({"COURSE_RENDERER": "png"}, "png"),
    ({"COURSE_RENDERER": "svg", "JPY_SESSION_NAME": "x"}, "svg"),
    ({"VSCODE_PID": "12"}, "live"),
])
def test_renderer_choice(environ, expected):
    assert render.choose_renderer(environ) == expected


@pytest.mark.parametrize("environ, expected", [
    ({}, False),
    ({"JPY_SESSION_NAME": "/lab/01.ipynb"}, True),
    ({"JPY_SESSION_NAME": "x", "NBGRADER_EXECUTION": "validate"}, False),
    ({"COURSE_WIDGETS": "live"}, True),
    ({"JPY_SESSION_NAME": "x", "COURSE_QUIZ_STATIC": "1"}, False),
])
def test_widgets_live_only_where_someone_can_click(environ, expected):
    assert render.widgets_live(environ) is expected


def test_setup_registers_theme_and_static_renderer(capsys):
    import altair as alt

    from course import setup

    chosen = setup()
    assert chosen["renderer"] == "svg" and chosen["datasets"] == ROOT / "datasets"
    assert alt.theme.active == "course"
    assert alt.renderers.active == "course-svg"  # Altair's SVG plus a text alternative
    assert "Course ready" in capsys.readouterr().out


def test_datasets_found_in_checkout():
    assert paths.datasets_dir() == ROOT / "datasets"
    assert (paths.datasets_dir() / "datapackage.json").is_file()


def test_datasets_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path))
    assert paths.datasets_dir() == tmp_path


@pytest.mark.slow
def test_installed_wheel_carries_and_finds_the_datasets(tmp_path: Path):
    uv = Path(sys.executable).parent / "uv"
    built = subprocess.run([str(uv), "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "course/_datasets/datapackage.json" in names
        archive.extractall(tmp_path / "site")
    probe = subprocess.run(
        [sys.executable, "-c", "from course import paths; print(paths.datasets_dir())"],
        cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert Path(probe.stdout.strip()) == tmp_path / "site" / "course" / "_datasets"
