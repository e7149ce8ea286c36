"""Static export (PNG/SVG through vl-convert) and the chart gallery."""

from __future__ import annotations

import struct
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from course import charts
from course.charts import gallery

DATASETS = Path(__file__).resolve().parents[2] / "datasets"


@pytest.fixture(autouse=True)
def _bundled_datasets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_DATASETS", str(DATASETS))


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def fixed_size_chart() -> alt.Chart:
    """A chart whose pixel size is known: no axes, no padding, 200 × 100."""
    return alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(
        x=alt.X("x:Q", axis=None)
    ).properties(width=200, height=100, padding=0, autosize="none")


def test_png_has_the_chart_size_times_the_scale(tmp_path: Path) -> None:
    one = charts.save_static(fixed_size_chart(), tmp_path / "one.png")
    two = charts.save_static(fixed_size_chart(), tmp_path / "two.png", scale=2)
    assert png_size(one) == (200, 100)
    assert png_size(two) == (400, 200)


def test_a_course_chart_exports_to_png_and_svg(tmp_path: Path) -> None:
    png = charts.save_static(charts.tool_adoption(), tmp_path / "adoption.png")
    width, height = png_size(png)
    assert width >= 360 and height >= 300  # the plot plus axes and titles
    svg = charts.save_static(charts.tool_adoption(), tmp_path / "adoption.svg")
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg") and "Developers using or planning" in text


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=".png or .svg"):
        charts.save_static(charts.job_share(), tmp_path / "chart.pdf")


def test_gallery_writes_one_image_per_chart_and_an_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "CHARTS", ("job_share", "role_audit"))
    index = gallery.build(tmp_path)
    page = index.read_text(encoding="utf-8")
    for name in ("job_share", "role_audit"):
        assert png_size(tmp_path / f"{name}.png")[0] > 0
        assert f'src="{name}.png"' in page
    assert 'alt="A single stacked bar' in page
