"""The learner's progress page: a table and a chart of quiz attempts, module by module.

``quiz.show_progress()`` draws it in a notebook. Every module that has a quiz bank gets a
row, with zeros until it is answered. pandas and Altair are imported when it is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course import progress
from course.quiz.bank import module_names

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

SUMMARY_COLUMNS = ["module", "answered", "correct", "attempts", "score", "points"]
COUNTS = {"answered": int, "correct": int, "attempts": int, "score": float, "points": float}


def summary(store: progress.Store = progress) -> pd.DataFrame:
    """One row per module answered: questions answered, answered correctly, attempts,
    score (best score per question, summed) and points (of the answered questions)."""
    import pandas as pd

    rows = store.attempts()
    if not rows:
        return pd.DataFrame(columns=SUMMARY_COLUMNS).astype(COUNTS)
    per_question = pd.DataFrame(rows).groupby(["module", "question_id"], sort=True).agg(
        correct=("correct", "any"),
        attempts=("correct", "size"),
        score=("score", "max"),
        points=("points", "last"),
    )
    table = per_question.groupby(level="module").agg(
        answered=("attempts", "size"),
        correct=("correct", "sum"),
        attempts=("attempts", "sum"),
        score=("score", "sum"),
        points=("points", "sum"),
    )
    return table.reset_index()[SUMMARY_COLUMNS].astype(COUNTS)


def with_every_module(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` plus a zero row for every module that has a quiz bank but no answers."""
    import pandas as pd

    missing = [m for m in module_names() if m not in set(table["module"])]
    zeros = pd.DataFrame({"module": missing, **{c: 0 for c in SUMMARY_COLUMNS[1:]}})
    frames = [f for f in (table, zeros.astype(COUNTS)) if len(f)]
    return pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS] if frames else table


def show(store: progress.Store = progress) -> alt.FacetChart:
    """The progress page chart: per module, questions answered and correct, and attempts.

    Bars are labelled with their measure and count, so colour is never the only cue.
    """
    import altair as alt

    from course.charts import theme

    theme.register()
    table = summary(store)
    title = "Your quiz progress" if len(table) else "Your quiz progress: no answers yet"
    long = with_every_module(table).melt(
        id_vars="module", value_vars=["answered", "correct", "attempts"],
        var_name="measure", value_name="count",
    )
    long["label"] = long["measure"] + ": " + long["count"].astype(str)
    order = ["answered", "correct", "attempts"]
    most = max(int(long["count"].max()) if len(long) else 0, 1)
    base = alt.Chart(long).encode(
        y=alt.Y("module:N", title="Module", sort="ascending"),
        x=alt.X("count:Q", title="count", scale=alt.Scale(domain=[0, most * 1.4]),
                axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=["module:N", "measure:N", "count:Q"],
    )
    bars = base.mark_bar().encode(color=alt.Color("measure:N", title=None, sort=order, legend=None))
    labels = base.mark_text(align="left", dx=4).encode(text="label:N")
    return (
        (bars + labels)
        .properties(width=170, height=alt.Step(20))
        .facet(column=alt.Column("measure:N", sort=order, title=None))
        .properties(title=title, description="Quiz progress per module: questions answered, "
                    "answered correctly, and attempts, one panel each.")
    )
