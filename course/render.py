"""Choose an Altair renderer that works with no network.

Live in JupyterLab (or VS Code) charts use Altair's ``jupyter`` renderer in offline mode
(anywidget + vl-convert's bundled Vega). Headless runs (nbgrader, nbconvert, nbval, the
tests) embed an SVG made by vl-convert, so executed notebooks stay small (about a fifth of
the same chart as PNG) and still show every chart. While ``course autograde`` grades, no grade
depends on a chart, so its sandbox sets ``COURSE_RENDERER=spec``: charts are emitted as their
Vega-Lite spec (:func:`spec_bundle`) and vl-convert never starts.
``COURSE_RENDERER`` = ``live`` | ``png`` | ``svg`` | ``spec`` overrides the choice.
"""

from __future__ import annotations

import os

LIVE_MARKERS = ("JPY_SESSION_NAME", "VSCODE_PID")


RENDERERS = ("live", "png", "svg", "spec")


def choose_renderer(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """Return ``"live"``, ``"png"``, ``"svg"`` or ``"spec"`` for this process's environment."""
    env = os.environ if environ is None else environ
    forced = env.get("COURSE_RENDERER", "").strip().lower()
    if forced in RENDERERS:
        return forced
    if env.get("NBGRADER_EXECUTION"):
        return "svg"
    if any(env.get(marker) for marker in LIVE_MARKERS):
        return "live"
    return "svg"


def widgets_live(environ: os._Environ[str] | dict[str, str] | None = None) -> bool:
    """Can a person click widgets in this kernel?

    ``COURSE_WIDGETS`` = ``live`` | ``static`` decides when set (``COURSE_QUIZ_STATIC=1`` means
    static); nbgrader runs are static; a kernel started by JupyterLab or VS Code is live;
    anything else (nbclient, nbconvert, nbval) is static, so saved outputs hold readable HTML
    instead of widget state nobody can use.
    """
    env = os.environ if environ is None else environ
    forced = env.get("COURSE_WIDGETS", "").strip().lower()
    if forced in {"live", "static"}:
        return forced == "live"
    if env.get("COURSE_QUIZ_STATIC", "").strip().lower() in {"1", "true", "yes"}:
        return False
    if env.get("NBGRADER_EXECUTION"):
        return False
    return any(env.get(marker) for marker in LIVE_MARKERS)


def enable(kind: str | None = None) -> str:
    """Enable the chosen renderer in Altair and return its name."""
    import altair as alt

    from course.charts import accessible

    kind = kind or choose_renderer()
    accessible.register()  # the same renderers, plus a text alternative for every chart
    if kind == "live":
        alt.renderers.enable("course-live", offline=True)
    elif kind == "svg":
        alt.renderers.enable("course-svg")
    elif kind == "spec":
        alt.renderers.register("course-spec", spec_bundle)
        alt.renderers.enable("course-spec")
    else:
        alt.renderers.enable("png", scale_factor=1.0)
    return kind


def spec_bundle(spec: dict, **_options: object) -> dict[str, object]:
    """A chart as its Vega-Lite spec: ``application/vnd.vegalite.vN+json`` (a JSON mimetype, so
    nbformat accepts it; Altair's own ``mimetype`` renderer writes ``.vN.json``, which nbformat
    rejects) and a line of text."""
    import altair as alt

    major = alt.SCHEMA_VERSION.split(".")[0]
    return {f"application/vnd.vegalite.{major}+json": spec,
            "text/plain": "<chart kept as its Vega-Lite spec while grading>"}
