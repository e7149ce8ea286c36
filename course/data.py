"""Load the bundled datasets, checked against ``datasets/datapackage.json``.

``load(name)`` reads one CSV, checks every column and value against the resource's
schema (a small subset of the Frictionless Table Schema: types ``string``, ``integer``,
``number``, ``boolean``, ``date``, ``datetime``; constraints ``required``, ``enum``,
``minimum``, ``maximum``; a ``primaryKey``) and returns a typed pandas DataFrame.

When something is wrong it raises :class:`DataValidationError`, naming the file, the
row and the column. Rows are counted the way a person reads the CSV: **data row 1 is
the first row after the header**, which is line 2 of the file; messages give both.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course import paths

if TYPE_CHECKING:
    import pandas as pd

DESCRIPTOR = "datapackage.json"
MAX_LISTED = 5  # problems spelled out in an error message

_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file. ``row`` is the 1-based data row, 0 for the header."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = "header (line 1)" if self.row == 0 else f"row {self.row} (line {self.row + 1})"
        return f"{self.file}, {where}, column '{self.column}': {self.message}"


class DataValidationError(ValueError):
    """A data file does not match its schema. ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n  ".join(str(p) for p in problems[:MAX_LISTED])
        more = len(problems) - MAX_LISTED
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(
            f"{problems[0].file} does not match datapackage.json "
            f"(rows are data rows, 1 = first row after the header):\n  {shown}{tail}"
        )


def package(folder: Path | None = None) -> dict[str, Any]:
    """The parsed ``datapackage.json`` of the datasets folder."""
    folder = folder or paths.datasets_dir()
    return json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))


def names() -> list[str]:
    """Names of every bundled dataset, in the order of the descriptor."""
    return [r["name"] for r in package()["resources"]]


def resource(name: str, folder: Path | None = None) -> dict[str, Any]:
    """The descriptor of one dataset; a clear error lists the valid names."""
    resources = package(folder)["resources"]
    for res in resources:
        if res["name"] == name:
            return res
    valid = ", ".join(r["name"] for r in resources)
    raise KeyError(f"no dataset called {name!r}; the datasets are: {valid}")


def describe(name: str) -> str:
    """What a dataset holds and where its figures come from, as text to print."""
    res = resource(name)
    lines = [f"{res['title']} ({res['path']})", "", res["description"], ""]
    if res.get("synthetic"):
        lines.append("Synthetic: invented for the labs, not real measurements.")
    if res.get("fiction"):
        lines.append("Fiction: written by hand for the course; no real company or figure.")
    lines.append("Sources: " + "; ".join(s["title"] for s in res.get("sources", [])))
    lines.append("Licence: " + "; ".join(
        f"{lic['name']}" + (f" ({lic['note']})" if lic.get("note") else "")
        for lic in res.get("licenses", [])
    ))
    lines.append("Columns: " + ", ".join(
        f["name"] + (f" [{f['unit']}]" if f.get("unit") else "") for f in res["schema"]["fields"]
    ))
    return "\n".join(lines)


def load(name: str) -> pd.DataFrame:
    """Read one dataset, validate it and return it with proper dtypes.

    Integers become ``int64`` (``Int64`` when the column may be empty), numbers
    ``float64``, booleans ``bool`` (``boolean`` when optional), dates and datetimes
    pandas timestamps (datetimes in UTC). Raises :class:`DataValidationError`.
    """
    folder = paths.datasets_dir()
    res = resource(name, folder)
    return read_validated(folder / res["path"], res["schema"])


def read_validated(path: Path, schema: dict[str, Any]) -> pd.DataFrame:
    """Validate the CSV at ``path`` against ``schema`` and return the typed table."""
    import pandas as pd

    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
    file = path.name
    fields = schema["fields"]
    expected = [f["name"] for f in fields]
    problems = [
        Problem(file, 0, col, "column is missing") for col in expected if col not in raw.columns
    ] + [
        Problem(file, 0, col, "unexpected column (not in the schema)")
        for col in raw.columns if col not in expected
    ]
    if problems:
        raise DataValidationError(problems)

    missing_values = set(schema.get("missingValues", [""]))
    typed: dict[str, pd.Series] = {}
    for field in fields:
        column, field_problems = _convert(raw[field["name"]], field, missing_values, file)
        typed[field["name"]] = column
        problems.extend(field_problems)
    if problems:
        raise DataValidationError(sorted(problems, key=lambda p: (p.row, p.column)))

    table = pd.DataFrame(typed)
    problems = _check_primary_key(table, schema.get("primaryKey"), file)
    if problems:
        raise DataValidationError(problems)
    return table


def _row(index: int) -> int:
    """DataFrame position (0-based) → data row as a person counts it (1-based)."""
    return int(index) + 1


def _convert(
    raw: pd.Series, field: dict[str, Any], missing_values: set[str], file: str
) -> tuple[pd.Series, list[Problem]]:
    """Parse one column to its type and check its constraints."""
    import pandas as pd

    name, kind = field["name"], field.get("type", "string")
    constraints = field.get("constraints", {})
    required = bool(constraints.get("required", False))
    missing = raw.isin(missing_values)
    present = raw[~missing]
    problems: list[Problem] = []

    def bad(mask: pd.Series, message: str) -> None:
        for index in mask[mask].index:
            problems.append(Problem(file, _row(index), name, message.format(value=raw[index])))

    if required:
        bad(missing, "a value is required but the cell is empty")

    values: pd.Series
    if kind == "integer":
        ok = present.str.fullmatch(_INTEGER.pattern)
        bad(ok.reindex(raw.index, fill_value=True).eq(False), "'{value}' is not an integer")
        numbers = pd.to_numeric(raw.where(~missing & raw.str.fullmatch(_INTEGER.pattern)))
        values = numbers.astype("int64" if required and not problems else "Int64")
    elif kind == "number":
        numbers = pd.to_numeric(raw.where(~missing), errors="coerce")
        finite = numbers.abs() < float("inf")
        bad(~missing & ~finite, "'{value}' is not a number")
        values = numbers.where(finite).astype("float64")
    elif kind == "boolean":
        known = raw.isin(_TRUE | _FALSE)
        bad(~missing & ~known, "'{value}' is not a boolean (write true or false)")
        flags = raw.map(lambda v: True if v in _TRUE else (False if v in _FALSE else pd.NA))
        values = flags.astype("bool" if required and not problems else "boolean")
    elif kind == "date":
        stamps = pd.to_datetime(raw.where(~missing), format="%Y-%m-%d", errors="coerce")
        bad(~missing & (stamps.isna() | ~raw.str.fullmatch(_DATE.pattern)),
            "'{value}' is not a date (YYYY-MM-DD)")
        values = stamps
    elif kind == "datetime":
        stamps = pd.to_datetime(raw.where(~missing), format="ISO8601", utc=True, errors="coerce")
        bad(~missing & stamps.isna(), "'{value}' is not an ISO 8601 date-time")
        values = stamps
    elif kind == "string":
        values = raw.where(~missing)
    else:
        raise ValueError(f"{file}: column {name!r} has unsupported type {kind!r}")

    checkable = ~missing & values.notna()
    if "enum" in constraints:
        allowed = constraints["enum"]
        bad(checkable & ~values.isin(allowed),
            "'{value}' is not one of the allowed values: " + ", ".join(map(str, allowed)))
    if "minimum" in constraints:
        lowest = constraints["minimum"]
        bad(checkable & (values < lowest).fillna(False).astype(bool),
            f"'{{value}}' is below the minimum {lowest}")
    if "maximum" in constraints:
        highest = constraints["maximum"]
        bad(checkable & (values > highest).fillna(False).astype(bool),
            f"'{{value}}' is above the maximum {highest}")
    return values, problems


def _check_primary_key(
    table: pd.DataFrame, key: str | list[str] | None, file: str
) -> list[Problem]:
    """Every primary-key value (or combination) must appear once."""
    if not key:
        return []
    columns = [key] if isinstance(key, str) else list(key)
    duplicated = table.duplicated(subset=columns, keep=False)
    problems = []
    seen: dict[tuple[Any, ...], int] = {}
    for index in table.index[duplicated]:
        value = tuple(table.loc[index, columns])
        if value in seen:
            shown = ", ".join(str(v) for v in value)
            problems.append(Problem(
                file, _row(index), "+".join(columns),
                f"duplicate primary key '{shown}' (first seen in row {seen[value]})",
            ))
        else:
            seen[value] = _row(index)
    return problems


def origin(res: dict[str, Any]) -> str:
    """Where a table's rows come from: "sources" (figures copied from the sources named on
    each row), "synthetic" (made by a seeded generator) or "fiction" (written by hand for a
    lab; ``"fiction": true`` in the descriptor). A table flagged both ways raises ValueError."""
    if res.get("synthetic") and res.get("fiction"):
        raise ValueError(f"datapackage.json: resource {res['name']!r} is marked both "
                         "synthetic and fiction; a table has one origin")
    return "synthetic" if res.get("synthetic") else "fiction" if res.get("fiction") else "sources"


def _names_by_origin(pkg: dict[str, Any], kind: str) -> str:
    return ", ".join(f"`{r['name']}`" for r in pkg["resources"] if origin(r) == kind) or "none"


def data_dictionary(descriptor: dict[str, Any] | None = None) -> str:
    """The datasets README (Markdown), generated from the descriptor."""
    pkg = descriptor or package()
    out = [
        f"# {pkg['title']}",
        "",
        "<!-- Generated from datapackage.json by `course generate`; "
        "do not edit by hand. -->",
        "",
        pkg["description"],
        "",
        "Load any table with `course.data.load(name)`: it is checked against "
        "`datapackage.json` and returned with proper types. `course.data.describe(name)` "
        "prints the description and sources below. When a file breaks its schema the "
        "error names the file, the column and the data row: row 1 is the first row after "
        "the header (line 2 of the file).",
        "",
        "Each table has one origin (the `origin` column below):",
        "",
        f"- **sources** ({_names_by_origin(pkg, 'sources')}): figures copied from the sources "
        "named on each row; ranges keep their two ends, and open-ended figures ('$206,000+') "
        "have no upper bound. Nothing is interpolated or estimated.",
        f"- **synthetic** ({_names_by_origin(pkg, 'synthetic')}): made by "
        "`scripts/make_synthetic.py` (fixed seed, byte-identical on every run).",
        f"- **fiction** ({_names_by_origin(pkg, 'fiction')}): written by hand for a lab; every "
        "name, price and policy is invented, so no row cites a source and no script makes "
        "them. Edit the CSV by hand and keep its descriptor in step.",
        "",
        "| dataset | file | origin | what it holds |",
        "|---|---|---|---|",
    ]
    for res in pkg["resources"]:
        out.append(f"| `{res['name']}` | `{res['path']}` | {origin(res)} | {res['title']} |")
    for res in pkg["resources"]:
        out += ["", f"## `{res['name']}`: {res['title']}", "", res["description"], ""]
        if res.get("synthetic"):
            out += [f"Synthetic: regenerate with `python {res.get('generator')}`.", ""]
        if res.get("fiction"):
            out += ["Fiction: written by hand for the course; edit the CSV, there is no "
                    "generator.", ""]
        key = res["schema"].get("primaryKey")
        key_text = ", ".join(key) if isinstance(key, list) else key
        out += [f"Primary key: `{key_text}`.", ""]
        out += ["| column | type | unit | required | allowed values | description |",
                "|---|---|---|---|---|---|"]
        for field in res["schema"]["fields"]:
            cons = field.get("constraints", {})
            allowed = []
            if "enum" in cons:
                allowed.append(", ".join(f"`{v}`" for v in cons["enum"]))
            if "minimum" in cons:
                allowed.append(f"≥ {cons['minimum']}")
            if "maximum" in cons:
                allowed.append(f"≤ {cons['maximum']}")
            out.append(
                f"| `{field['name']}` | {field['type']} | {field.get('unit', '')} | "
                f"{'yes' if cons.get('required') else 'no'} | {'; '.join(allowed)} | "
                f"{field['description']} |"
            )
        out += ["", "Sources:", ""]
        for src in res.get("sources", []):
            note = f": {src['note']}" if src.get("note") else ""
            out.append(f"- {src['title']}{note}")
        out += ["", "Licence: " + "; ".join(
            lic["name"] + (f" ({lic['note']})" if lic.get("note") else "")
            for lic in res.get("licenses", [])
        )]
    return "\n".join(out) + "\n"
