"""The rebinding check (course/grading/tamper.py): what it watches, what it names, what it
leaves alone. Most tests run the kernel-side code in this process (a namespace standing in
for the notebook's); two run a real sandboxed kernel through ``run_notebook``."""

from __future__ import annotations

import builtins
import io
import json
import math
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course.grading import sandbox, tamper
from course.grading.instrument import instrument

MEAN_TEST = ("import math\nimport pandas as pd\nassert isinstance(mean([1]), float)\n"
             "assert math.isclose(mean([0.1, 0.2]), 0.15)\n"
             "means = pd.DataFrame({'m': [mean([1, 3])]})\n"
             "assert means.equals(pd.DataFrame({'m': [2.0]}))")
WORDS_TEST = ("assert len(words) == 3\nassert all(w.isalpha() for w in words)\n"
              "assert abs(len(words) - 3) == 0\nassert json.loads('[1]') == [1]")
TESTS = [MEAN_TEST, WORDS_TEST]
ANSWERS = ("def mean(values):\n    return sum(values) / len(values)\n"
           "words = 'the cat sat'.split()\nimport json\n")


class Notebook:
    """A notebook namespace in this process, graded the way the kernel is."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, tests: list[str] = TESTS) -> None:
        self.out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", self.out)
        self.tests = [instrument(t)[0] for t in tests]
        self.ns: dict = {"__builtins__": builtins, "__name__": "__main__"}
        self.guard = tamper.Guard(tamper.plan(self.tests))
        exec(self.guard.capture_code(), self.ns)  # noqa: S102 - the kernel side, here
        self.guard.read_capture(self._take())
        self.run(ANSWERS)

    def _take(self) -> str:
        text = self.out.getvalue()
        self.out.seek(0)
        self.out.truncate()
        return text

    def run(self, code: str) -> None:
        exec(code, self.ns)  # noqa: S102 - a learner's cell

    def findings(self, index: int) -> list[str]:
        """Run test cell ``index`` with its probe; what the grader concludes."""
        code = self.guard.prefix(index, self.tests[index])
        try:
            exec(code, self.ns)  # noqa: S102 - the test cell as sent
        except Exception:  # noqa: BLE001, S110 - a failing test is judged elsewhere
            pass
        kept, reports = self.guard.take_report([self._take()])
        assert not any(self.guard.marker in text for text in kept)
        return self.guard.findings(index, reports, f"t{index}")

    def all_findings(self) -> list[str]:
        return [f for index in range(len(self.tests)) for f in self.findings(index)]


def test_plan_watches_builtins_base_modules_and_the_chains_tests_write() -> None:
    plan = tamper.plan([instrument(MEAN_TEST)[0], "assert pd.testing.assert_frame_equal(a, b)"
                        " is None\nassert np.isclose(1, 1)\nlen = 3\nassert len == 3",
                        "import random as _random\n_cases = _random.Random(7)"])
    for container in ("builtins", "math", "operator", "json", "re", "pandas",
                      "pandas.DataFrame", "pandas.testing", "numpy", "random.Random"):
        assert container in plan.containers, container
    for target in (("builtins", "isinstance"), ("builtins", "sorted"), ("math", "isclose"),
                   ("pandas.testing", "assert_frame_equal"), ("pandas.DataFrame", "equals"),
                   ("numpy", "isclose"), ("numpy", "allclose"), ("random", "Random"),
                   ("random.Random", "seed")):
        assert target in plan.explicit, target
    assert "isinstance" in plan.names and "pd" in plan.names and "np" in plan.names
    # a name the test binds itself cannot be shadowed from outside; nor can its own imports
    assert "len" not in plan.names and "math" not in plan.names


def test_plan_never_imports_a_learners_module_or_the_course() -> None:
    plan = tamper.plan(["import fixture_checks\nfixture_checks.check_words(words)",
                        "import course.checks.m01 as m\nm.check_role_audit(x)"])
    assert plan.containers == ["builtins", "json", "math", "operator", "re"]
    assert not [t for t in plan.explicit if t[0] not in plan.containers]


def test_a_clean_notebook_is_not_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = Notebook(monkeypatch)
    notebook.run("total = 0\nsum_ = sum([1, 2])\ndef average(v):\n    return mean(v)\n"
                 "from builtins import len\nimport math as m\nfrom math import isclose\n"
                 "import pandas as pd\nmax = 3  # a builtin's name no test uses\n")
    assert notebook.all_findings() == []


SHADOWED = "shadowed by a notebook global before test cell "


@pytest.mark.parametrize(("attack", "named"), [
    ("len = lambda *a: 10 ** 6", SHADOWED + "t2: len"),
    ("abs = lambda x: 0", SHADOWED + "t2: abs"),
    ("all = lambda *a: True", SHADOWED + "t2: all"),
    ("isinstance = lambda *a: True", SHADOWED + "t0: isinstance"),  # every cell: strict ==
    ("pd = None", SHADOWED + "t0: pd"),
    ("__builtins__ = dict(vars(__builtins__), len=lambda *a: 3)",
     "rebound before test cell t0: __builtins__"),
])
def test_a_shadowing_global_is_named(monkeypatch: pytest.MonkeyPatch, attack: str,
                                     named: str) -> None:
    # first: the mean test imports pandas as pd itself, which undoes ``pd = None``
    tests = ["assert pd.DataFrame({'a': [1]}).equals(pd.DataFrame({'a': [1]}))", *TESTS]
    notebook = Notebook(monkeypatch, tests)
    notebook.run(attack)
    assert named in "; ".join(notebook.all_findings())


def _same(real):  # type: ignore[no-untyped-def]
    """Another object that behaves like ``real``: this process keeps working, and the check
    goes by identity, so it must still notice."""
    return lambda *args, **kwargs: real(*args, **kwargs)


@pytest.mark.parametrize(("module", "name", "named"), [
    (builtins, "isinstance", "builtins.isinstance"),
    (builtins, "len", "builtins.len"),
    (math, "isclose", "math.isclose"),
    (pd.DataFrame, "equals", "pandas.DataFrame.equals"),
    (pd.core.generic.NDFrame, "equals", "pandas.DataFrame.equals, pandas.Series.equals"),
    (json, "loads", "json.loads"),
])
def test_rebinding_in_a_module_is_named_before_every_later_test(
        monkeypatch: pytest.MonkeyPatch, module: object, name: str, named: str) -> None:
    notebook = Notebook(monkeypatch)
    assert notebook.findings(0) == []
    monkeypatch.setattr(module, name, _same(getattr(module, name)))
    found = [notebook.findings(0), notebook.findings(1)]
    assert found == [[f"rebound before test cell t0: {named}"],
                     [f"rebound before test cell t1: {named}"]]


def test_a_swapped_code_object_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = Notebook(monkeypatch)
    real = json.loads.__code__
    monkeypatch.setattr(json.loads, "__code__", real.replace())  # an equal copy: new identity
    assert notebook.findings(1) == ["rebound before test cell t1: json.loads"]


def test_a_module_swapped_in_sys_modules_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = Notebook(monkeypatch)
    monkeypatch.setitem(sys.modules, "math", type(sys)("math"))
    assert notebook.findings(0) == ["rebound before test cell t0: sys.modules['math']"]


def test_a_removed_replaced_or_forged_probe_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = Notebook(monkeypatch)
    stash = notebook.guard.stash
    notebook.ns[stash] = dict(notebook.ns[stash])  # same contents, another object
    assert notebook.findings(0) == [
        "rebound before test cell t0: the grader's reference objects"]
    del notebook.ns[stash]
    assert "did not report" in notebook.findings(0)[0]
    forged = Notebook(monkeypatch)
    forged.run(f"print({forged.guard.marker!r} + ' 0x1|0x2')")  # a learner's own report line
    forged.guard.prefix(0, forged.tests[0])
    kept, reports = forged.guard.take_report([forged._take()])
    assert len(reports) == 1 and forged.guard.findings(0, reports + reports, "t0")


def _run_kernel(tmp_path: Path, cells: list[str], tests: list[str]):  # type: ignore[no-untyped-def]
    from course.grading.execute import RunLimits, run_notebook

    ok, why = sandbox.probe()
    assert ok, why  # CI installs bubblewrap
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    for index, source in enumerate(tests):
        cell = new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                     "grade_id": f"t{index}", "points": 1,
                                     "schema_version": 3}
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3"}
    work, run = tmp_path / "work", tmp_path / "run"
    work.mkdir()
    run.mkdir()
    return run_notebook(nb, work, run, RunLimits(cell_timeout=60), sandboxed=True)


def _errors(cell: nbformat.NotebookNode) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]


def test_a_clean_kernel_is_not_flagged(tmp_path: Path) -> None:
    result = _run_kernel(tmp_path, ["import math\n" + ANSWERS, "total = len(words)\nmax = 3"],
                         TESTS)
    assert (result.statuses, result.notes) == ([], [])
    tests = result.nb.cells[-2:]
    assert [_errors(c) for c in tests] == [[], []]
    assert not [o for c in tests for o in c.outputs]  # probe lines and tokens are gone


def test_a_kernel_that_rebinds_isinstance_scores_zero_with_a_reason(tmp_path: Path) -> None:
    attack = ("import builtins\n_real = isinstance\n"
              "builtins.isinstance = lambda o, k: (k is float and type(o) is int) or _real(o, k)")
    result = _run_kernel(tmp_path, [ANSWERS, attack], TESTS)
    assert result.statuses == ["tampered", "tampered"]
    assert result.notes == ["rebound before test cell t0: builtins.isinstance",
                            "rebound before test cell t1: builtins.isinstance"]
    for index, cell in enumerate(result.nb.cells[-2:]):
        assert (f"Tampered: this test cell scores 0: rebound before test cell t{index}: "
                "builtins.isinstance") in _errors(cell)
