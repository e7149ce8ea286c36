"""An offline HTML report of a class: where it struggled, what needs a human.

Charts are Altair specs rendered to inline SVG by vl-convert (no JavaScript, no network).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from course.grading import log
from course.grading.config import Course
from course.grading.gradebook import graded_cells, open_gradebook, submissions
from course.grading.records import Status

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

CSS = ("body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;color:#222}"
       "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
       "padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}"
       "figure{margin:1.5em 0}figcaption{color:#555;font-size:.9em}")


def collect(course: Course) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two DataFrames: one row per submission, one row per graded cell."""
    import pandas as pd

    subs, cells = [], []
    with open_gradebook(course) as gb:
        for assignment_id, student_id, sub in submissions(gb):
            subs.append({"student": student_id, "assignment": assignment_id,
                         "score": sub.score, "max_score": sub.max_score,
                         "needs_manual_grade": sub.needs_manual_grade})
            for _nb, grade in graded_cells(sub):
                cells.append({"student": student_id, "assignment": assignment_id,
                              "exercise": f"{assignment_id}/{grade.name}",
                              "score": grade.score, "max_score": grade.max_score,
                              "auto": grade.cell.cell_type == "code",
                              "needs_manual_grade": grade.needs_manual_grade})
    subs_df, cells_df = pd.DataFrame(subs), pd.DataFrame(cells)
    if not subs_df.empty:
        subs_df["percent"] = 100 * subs_df["score"] / subs_df["max_score"].where(
            subs_df["max_score"] > 0)
    if not cells_df.empty:
        cells_df["fraction"] = cells_df["score"] / cells_df["max_score"].where(
            cells_df["max_score"] > 0)
    return subs_df, cells_df


def _svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict())


def charts(subs: pd.DataFrame, cells: pd.DataFrame) -> list[tuple[str, str]]:
    """``(caption, svg)`` for each chart."""
    import altair as alt

    out = []
    if not subs.empty:
        dist = alt.Chart(subs).mark_bar().encode(
            x=alt.X("percent:Q", bin=alt.Bin(extent=[0, 100], step=10), title="score (%)"),
            y=alt.Y("count():Q", title="submissions"),
            color=alt.Color("assignment:N", legend=None),
        ).properties(width=220, height=140).facet(
            facet=alt.Facet("assignment:N", title="module"), columns=3)
        out.append(("Score distribution per module (autograded and manual points so far).",
                    _svg(dist)))
    auto = cells[cells["auto"]] if not cells.empty else cells
    if not auto.empty:
        means = auto.groupby(["assignment", "exercise"], as_index=False)["fraction"].mean()
        per = alt.Chart(means).mark_bar().encode(
            x=alt.X("fraction:Q", scale=alt.Scale(domain=[0, 1]), title="mean share of points"),
            y=alt.Y("exercise:N", sort=None, title=None),
            color=alt.Color("assignment:N", title="module"),
        ).properties(width=520)
        out.append(("Mean share of points per autograded exercise.", _svg(per)))
        hardest = means.nsmallest(10, "fraction")
        hard = alt.Chart(hardest).mark_bar(color="#c0392b").encode(
            x=alt.X("fraction:Q", scale=alt.Scale(domain=[0, 1]), title="mean share of points"),
            y=alt.Y("exercise:N", sort="x", title=None),
        ).properties(width=520)
        out.append(("The hardest exercises (lowest mean share of points).", _svg(hard)))
    return out


def _table(headers: list[str], rows: list[list[object]]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render(course: Course) -> str:
    """The whole report as one self-contained HTML page."""
    subs, cells = collect(course)
    figures = "".join(f"<figure>{svg}<figcaption>{html.escape(cap)}</figcaption></figure>"
                      for cap, svg in charts(subs, cells))
    manual = ([] if cells.empty else
              cells[cells["needs_manual_grade"]][["student", "exercise"]].values.tolist())
    problems: list[list[object]] = [
        [x.student, x.assignment, x.notebook, x.status, "; ".join(x.reasons)]
        for x in sorted(log.read(course), key=lambda x: (x.assignment, x.student))
        if x.status is not Status.OK]
    summary = (f"{len(subs)} submissions, {subs['student'].nunique() if len(subs) else 0} "
               f"students, {subs['assignment'].nunique() if len(subs) else 0} modules")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Class report</title>"
            f"<style>{CSS}</style></head><body><h1>Class report</h1><p>{summary}</p>"
            f"<h2>Scores</h2>{figures or '<p>No grades yet.</p>'}"
            f"<h2>Needs manual grading</h2>"
            f"{_table(['student', 'exercise'], manual)}"
            f"<h2>Submissions that failed or were repaired</h2>"
            f"{_table(['student', 'module', 'notebook', 'status', 'reasons'], problems)}"
            "</body></html>")


def write(course: Course, out: Path) -> Path:
    """Write the report to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(course), encoding="utf-8")
    return out
