"""Read one submitted notebook and restore it against the trusted reference.

Everything nbgrader's sanitising step does (clear outputs, python3 kernelspec, restore locked
cells, points and checksums) plus what aborts or confuses it: duplicated and split cells,
deleted grade cells, unknown grade ids, broken JSON. Each change is written down as a note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4.nbbase import new_code_cell, new_markdown_cell, random_cell_id

from course.grading.reference import RefCell, RefNotebook
from course.nbcells import KERNELSPEC, without_hidden

SKIP = "course_skip"  # cell metadata key: do not run this cell; the value is the reason


class InvalidNotebook(ValueError):
    """The file is not a notebook we can grade; the message names the file and the problem."""


@dataclass
class Repaired:
    """A notebook ready to execute and what was changed to get there."""

    nb: nbformat.NotebookNode
    notes: list[str] = field(default_factory=list)


def nbgrader_metadata(ref: RefCell) -> dict:
    """The cell metadata nbgrader expects for a trusted cell."""
    meta = {"grade": ref.grade, "grade_id": ref.grade_id, "locked": ref.locked,
            "solution": ref.solution, "schema_version": 3}
    if ref.task:
        meta["task"] = True
    if ref.grade or ref.task:
        meta["points"] = ref.points
    if ref.checksum:
        meta["checksum"] = ref.checksum
    return meta


def restored_cell(ref: RefCell, reason: str | None) -> nbformat.NotebookNode:
    """A cell rebuilt from the reference; ``reason`` set means: do not run it, score it 0."""
    make = new_code_cell if ref.cell_type == "code" else new_markdown_cell
    cell = make(source=ref.source)
    cell.metadata["nbgrader"] = nbgrader_metadata(ref)
    if reason and ref.cell_type == "code":
        cell.metadata[SKIP] = reason
    return cell


def from_reference(ref: RefNotebook, reason: str) -> nbformat.NotebookNode:
    """A stand-in for a missing or unreadable notebook: released stubs, no test runs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.cells.append(new_markdown_cell(f"**Not graded:** {reason}"))
    nb.cells += [restored_cell(c, reason if c.is_test else None) for c in ref.cells]
    for cell in nb.cells:
        if cell.cell_type == "code" and SKIP not in cell.metadata:
            cell.metadata[SKIP] = reason
    return nb


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Parse a submitted file leniently; raise :class:`InvalidNotebook` naming what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InvalidNotebook(f"{path.name}: not UTF-8 text ({error})") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidNotebook(f"{path.name}: invalid JSON at line {error.lineno}, "
                              f"column {error.colno}: {error.msg}") from error
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise InvalidNotebook(f"{path.name}: JSON but not a notebook (no 'cells' list)")
    if data.get("nbformat") != 4:
        try:
            return nbformat.reads(text, as_version=4)
        except Exception as error:  # noqa: BLE001 - any failure means unreadable
            raise InvalidNotebook(f"{path.name}: unsupported notebook format ({error})") from error
    cells = []
    for index, cell in enumerate(data["cells"]):
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        if kind not in ("code", "markdown", "raw"):
            raise InvalidNotebook(f"{path.name}: cell {index} has no valid 'cell_type'")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        fresh = {"code": new_code_cell, "markdown": new_markdown_cell,
                 "raw": nbformat.v4.new_raw_cell}[kind](source=source)
        fresh.metadata.update(nbformat.from_dict(meta))
        cells.append(fresh)
    nb = nbformat.v4.new_notebook(cells=cells)
    meta = data.get("metadata")
    nb.metadata.update(nbformat.from_dict(meta if isinstance(meta, dict) else {}))
    return nb


def _grade_id(cell: nbformat.NotebookNode) -> str | None:
    meta = cell.metadata.get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def repair(nb: nbformat.NotebookNode, ref: RefNotebook) -> Repaired:
    """Restore ``nb`` in place against ``ref`` and say what changed."""
    out = Repaired(nb)
    spec = nb.metadata.get("kernelspec") or {}
    if spec.get("name") != "python3":
        out.notes.append(f"kernelspec {spec.get('name')!r} replaced by python3")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    refs = ref.by_id()
    first: dict[str, nbformat.NotebookNode] = {}
    kept: list[nbformat.NotebookNode] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop(SKIP, None)
        grade_id = _grade_id(cell)
        if "nbgrader" in cell.metadata and grade_id not in refs:
            cell.metadata.pop("nbgrader")
            if grade_id:
                out.notes.append(f"cell {index}: unknown grade_id {grade_id!r} ignored")
        elif grade_id in first:
            trusted = refs[grade_id]
            cell.metadata.pop("nbgrader")
            if trusted.locked and not trusted.solution:
                out.notes.append(f"cell {index}: duplicate of locked cell {grade_id!r} removed")
                continue
            if cell.cell_type == "markdown" and first[grade_id].cell_type == "markdown":
                first[grade_id].source += "\n\n" + cell.source
                out.notes.append(f"cell {index}: split/copied answer {grade_id!r} merged")
                continue
            out.notes.append(f"cell {index}: copy of answer {grade_id!r} kept as a plain cell")
        elif grade_id:
            _restore(cell, refs[grade_id], index, out.notes)
            first[grade_id] = cell
        kept.append(cell)
    nb.cells = _insert_missing(kept, ref, first, out.notes)
    seen: set[str] = set()
    for cell in nb.cells:
        if not cell.get("id") or cell["id"] in seen:
            cell["id"] = random_cell_id()
        seen.add(cell["id"])
    return out


def _restore(cell: nbformat.NotebookNode, trusted: RefCell, index: int, notes: list[str]) -> None:
    if cell.cell_type != trusted.cell_type:
        notes.append(f"cell {index} ({trusted.grade_id}): cell type restored to "
                     f"{trusted.cell_type}")
        if trusted.cell_type == "code":
            cell.cell_type, cell.outputs, cell.execution_count = "code", [], None
        else:
            cell.cell_type = "markdown"
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    if trusted.locked:
        if _lines(cell.source) != _lines(without_hidden(trusted.source)):
            notes.append(f"cell {index} ({trusted.grade_id}): edited locked cell restored")
        cell.source = trusted.source
    claimed = cell.metadata["nbgrader"].get("points")
    if trusted.points is not None and claimed is not None and _number(claimed) != trusted.points:
        notes.append(f"cell {index} ({trusted.grade_id}): points {claimed!r} restored to "
                     f"{trusted.points:g}")
    cell.metadata["nbgrader"] = nbgrader_metadata(trusted)


def _number(value: Any) -> float | None:
    """``value`` (any JSON value from cell metadata) as a float; None if it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _lines(source: str) -> list[str]:
    return [line.rstrip() for line in source.splitlines() if line.strip()]


def _insert_missing(cells: list, ref: RefNotebook, present: dict, notes: list[str]) -> list:
    for position, trusted in enumerate(ref.cells):
        if trusted.grade_id in present:
            continue
        reason = None
        if trusted.grade or trusted.task:
            reason = (f"grade cell {trusted.grade_id!r} was deleted from the submission; "
                      "restored from the source and scored 0")
        notes.append(f"deleted cell {trusted.grade_id!r} restored"
                     + (" (scored 0)" if reason else " (released stub)"))
        new = restored_cell(trusted, reason)
        where = 0
        for earlier in reversed(ref.cells[:position]):
            if earlier.grade_id in present:
                where = cells.index(present[earlier.grade_id]) + 1
                break
        cells.insert(where, new)
        present[trusted.grade_id] = new
    return cells
