"""The benchmarks' quick-mode functions run on one item and build well-formed tables.

No timing is ever asserted here: figures live in bench/README.md, not in tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import common, discover, machine
from bench.common import Table


def _well_formed(table: Table) -> None:
    assert table.problems() == []
    assert table.rows, f"{table.title} has no rows"
    assert table.how
    text = table.markdown()
    assert text.startswith(f"### {table.title}")
    assert text.count("\n|") >= len(table.rows) + 2


def test_table_rejects_a_short_row():
    table = Table("t", ["a", "b"])
    with pytest.raises(ValueError):
        table.add(1)
    table.rows.append([1])
    assert table.problems()


def test_machine_facts_name_what_the_readme_needs():
    facts = machine.describe()
    for key in ("CPUs (nproc)", "CPU model", "RAM", "Python", "nbgrader", "jupyterlab", "altair"):
        assert facts[key]


def test_startup_one_round():
    from bench import startup

    table = startup.run(runs=1, quick=True, log=lambda _m: None)
    _well_formed(table)
    assert table.rows[0][0] == startup.BASELINE


def _first_notebook() -> Path:
    notebooks = discover.solution_notebooks(common.ROOT, ["01"]) or discover.solution_notebooks()
    assert notebooks
    return notebooks[0]


@pytest.mark.slow
def test_execution_sizes_and_labs_on_one_notebook():
    from bench import execution, labs, sizes

    notebook = _first_notebook()
    with common.bench_environment():
        result = execution.measure([notebook], runs=1, log=lambda _m: None)
    _well_formed(execution.table(result, runs=1, quick=True))
    executed = sizes.executed_bytes(result.executed)
    _well_formed(sizes.table([discover.module_of(notebook)], executed, {}))
    lab_table = labs.table(result.executed, runs=1, quick=True)
    assert lab_table.problems() == []


@pytest.mark.slow
def test_autograde_one_student_one_module():
    from bench import autograde

    module = discover.module_of(_first_notebook())
    with common.bench_environment():
        table, sizes = autograde.run([module], students=1, runs=1, quick=True,
                                     log=lambda _m: None, parallel=False)
    _well_formed(table)
    assert table.rows[0][0] == autograde.SERIAL
    assert set(sizes) <= {module}


def test_parallel_command_uses_only_options_course_autograde_has():
    from bench import autograde
    from course.cli import build_parser

    modes, _note = autograde.modes(parallel=True)
    assert [m.jobs for m in modes] == [None, 2, 1]
    for mode in modes[1:]:
        command = autograde.parallel_command(Path("course"), ["01-identity-shift"], mode)
        args = build_parser().parse_args(command[command.index("autograde"):])
        assert (args.assignment, args.jobs, args.quiet) == (["01-identity-shift"], mode.jobs, True)
