"""Charts for feedback pages: graded notebooks keep charts as Vega-Lite specs (the grading
sandbox sets ``COURSE_RENDERER=spec`` so no graded kernel starts vl-convert); feedback is
where a person looks at them, so this preprocessor renders each spec to an SVG with its text
alternative, as the course's headless renderer does."""

from __future__ import annotations

import re
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

SPEC_MIMETYPE = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")


def spec_keys(data: dict[str, Any]) -> list[str]:
    """The Vega-Lite spec mimetypes in one output's data."""
    return [key for key in data if SPEC_MIMETYPE.match(key)]


class RenderChartSpecs(Preprocessor):
    """Replace every Vega-Lite spec output with an accessible SVG (and its text alternative)."""

    enabled = Bool(True, help="on by default (nbconvert preprocessors are off by default)"
                   ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int
                        ) -> tuple[NotebookNode, dict]:
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            keys = spec_keys(data)
            if not keys:
                continue
            from course.charts import accessible

            try:
                bundle = accessible.svg_renderer(dict(data[keys[0]]))
            except Exception as err:  # a broken spec must not stop the student's feedback page
                data["text/plain"] = f"<chart not drawn: {type(err).__name__}: {err}>"
            else:
                data["image/svg+xml"] = bundle["image/svg+xml"]
                data["text/plain"] = bundle["text/plain"]
            for key in keys:
                del data[key]
        return cell, resources
