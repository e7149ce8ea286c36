"""Run the benchmarks: ``python -m bench.run`` (full, rewrites bench/README.md) or ``--quick``.

Quick mode is a smoke run (one run of each figure, module 01, 3 students, serial nbgrader and
``course autograde --jobs 2``) that prints its tables and writes ``build/bench-quick.md``; it
never touches ``bench/README.md``. A partial run (``--only``) writes ``build/bench-partial.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import common, discover, machine
from bench.common import ROOT, Table

BENCHMARKS = ("execution", "autograde", "startup", "sizes", "labs", "room", "cluster",
              "breakdown")
# A full run leaves out the Dask benchmark (measured on its own into CLUSTER.md, ~15 min);
# a quick run smoke-tests every benchmark.
FULL = ("execution", "autograde", "startup", "sizes", "labs", "room")
README = ROOT / "bench" / "README.md"
QUICK_OUT = ROOT / "build" / "bench-quick.md"
CLASS_OUT = ROOT / "bench" / "CLASS.md"
CLUSTER_OUT = ROOT / "bench" / "CLUSTER.md"

# Full-mode autograding size: chosen so `make bench` stays within ~25 minutes on 2 cores.
FULL_STUDENTS = 6
FULL_GRADE_MODULES = ("01", "05")
# Breakdown per submission (old path vs zygote): this many students × the graded modules.
BREAKDOWN_STUDENTS = 2
# Dask benchmark: module 01, this many students, this many changed before the re-run.
FULL_CLUSTER_STUDENTS = 20
CLUSTER_CHANGED = 10


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 run, module 01, 3 students, no --jobs 1 row; "
                             "writes build/bench-quick.md")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these benchmarks")
    parser.add_argument("--modules", nargs="+",
                        help="modules to execute/size (folder or number; default: all, quick: 01)")
    parser.add_argument("--grade-modules", nargs="+",
                        help="modules of the synthetic class, or 'all' (default: "
                             f"{' '.join(FULL_GRADE_MODULES)}; quick: 01)")
    parser.add_argument("--students", type=int,
                        help=f"class size (default {FULL_STUDENTS}; quick 3)")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3; quick 1)")
    parser.add_argument("--startup-runs", type=int,
                        help="runs per start-up command (default 10; quick 3)")
    parser.add_argument("--cluster-students", type=int,
                        help=f"cluster: class size (default {FULL_CLUSTER_STUDENTS}; quick 2)")
    parser.add_argument("--changed", type=int,
                        help=f"cluster: submissions changed before the re-run (default "
                             f"{CLUSTER_CHANGED}; quick 1)")
    parser.add_argument("--without-jobs1", action="store_true",
                        help="autograde: leave out the `--jobs 1` row (used by `make bench-class`)")
    parser.add_argument("--output", type=Path,
                        help="where to write the markdown (default bench/README.md; quick: "
                             "build/bench-quick.md)")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def settings(args: argparse.Namespace, argv: Sequence[str]) -> dict[str, Any]:
    """Resolve every option against the mode's defaults."""
    quick = args.quick
    chosen = args.modules or (["01"] if quick else None)
    grade = args.grade_modules or (["01"] if quick else list(FULL_GRADE_MODULES))
    if grade == ["all"]:
        grade = []
    return {
        "quick": quick,
        "only": set(args.only or (BENCHMARKS if quick else FULL)),
        "modules": discover.modules(ROOT, chosen),
        "grade_modules": discover.modules(ROOT, grade or None),
        "students": args.students or (3 if quick else FULL_STUDENTS),
        "runs": args.runs or (1 if quick else 3),
        "startup_runs": args.startup_runs or (3 if quick else 10),
        "output": args.output or (QUICK_OUT if quick else README),
        "without_jobs1": args.without_jobs1,
        "cluster_students": args.cluster_students or (2 if quick else FULL_CLUSTER_STUDENTS),
        "changed": args.changed or (1 if quick else CLUSTER_CHANGED),
        "argv": list(argv),
    }


def run_all(cfg: dict[str, Any]) -> tuple[list[Table], dict[str, float]]:
    """Run the selected benchmarks in order; return their tables and each one's seconds."""
    from bench import execution, labs, sizes, startup

    tables: list[Table] = []
    took: dict[str, float] = {}
    quick, runs, only = cfg["quick"], cfg["runs"], cfg["only"]
    notebooks = discover.solution_notebooks(ROOT, cfg["modules"])
    executed: dict[Path, list[Any]] = {}
    autograded: dict[str, int] = {}

    if "execution" in only:
        start = time.perf_counter()
        log(f"execution: {len(notebooks)} notebook(s) × {runs} run(s)")
        result = execution.measure(notebooks, runs, log)
        executed = result.executed
        tables.append(execution.table(result, runs, quick))
        took["execution"] = time.perf_counter() - start
    if "startup" in only:
        start = time.perf_counter()
        log(f"start-up: {cfg['startup_runs']} round(s)")
        tables.append(startup.run(cfg["startup_runs"], quick, log))
        took["startup"] = time.perf_counter() - start
    if "autograde" in only:
        from bench import autograde

        start = time.perf_counter()
        log(f"autograde: {cfg['students']} students × {cfg['grade_modules']} × {runs} run(s)")
        table, autograded = autograde.run(cfg["grade_modules"], cfg["students"], runs, quick, log,
                                          without_jobs1=cfg["without_jobs1"])
        tables.append(table)
        took["autograde"] = time.perf_counter() - start
    if "breakdown" in only:
        from bench import breakdown

        start = time.perf_counter()
        students = 1 if quick else BREAKDOWN_STUDENTS
        log(f"breakdown: {students} students × {cfg['grade_modules']}, old vs new path")
        tables.append(breakdown.run(cfg["grade_modules"], students, runs, quick, log))
        took["breakdown"] = time.perf_counter() - start
    if "cluster" in only:
        from bench import cluster

        start = time.perf_counter()
        log(f"cluster: {cfg['cluster_students']} students × 01, {cfg['changed']} changed")
        tables.append(cluster.run(discover.modules(ROOT, ["01"]), cfg["cluster_students"],
                                  cfg["changed"], quick, log))
        took["cluster"] = time.perf_counter() - start
    if "sizes" in only:
        tables.append(sizes.table(cfg["modules"], sizes.executed_bytes(executed), autograded))
    if "labs" in only:
        start = time.perf_counter()
        lab_runs = {p: nbs for p, nbs in executed.items() if labs.is_lab(p)}
        if not lab_runs:
            all_labs = [p for p in discover.solution_notebooks(ROOT) if labs.is_lab(p)]
            todo = all_labs[:1] if quick else all_labs
            log(f"labs: executing {len(todo)} lab notebook(s) × {runs} run(s)")
            lab_runs = labs.measure(todo, runs, log)
        tables.append(labs.table(lab_runs, runs, quick))
        took["labs"] = time.perf_counter() - start
    if "room" in only:
        from bench import room

        start = time.perf_counter()
        log("room: simulated learners against one room server")
        tables.append(room.run(quick, runs, log))
        took["room"] = time.perf_counter() - start
    order = {"Course": 0, "Autograding": 1, "Grading": 1, "Start-up": 2, "Notebook": 3,
             "Labs": 4, "Live": 5}
    tables.sort(key=lambda t: order.get(t.title.split()[0], 9))
    return tables, took


def shared_note(facts: dict[str, str], load_end: str) -> str:
    """Whether the machine was busy with other work while the benchmark ran."""
    cpus = int(facts.get("CPUs (nproc)", "1") or 1)
    loads = [facts.get("load average at start (1/5/15 min)", ""), load_end]
    firsts = [float(x.split("/")[0]) for x in loads if x and x[0].isdigit()]
    if firsts and max(firsts) > cpus:
        return (f"The machine ({cpus} cores) was shared with other work while this ran (load "
                "averages above the core count, see the table): absolute seconds are inflated "
                "and noisy, and a notebook can even come out faster than its floor; compare "
                "totals and ratios with the baseline measured in the same run.")
    return f"The machine ({cpus} cores) was otherwise idle (see the load averages)."


def cluster_section() -> list[str]:
    """The Dask figures of ``bench/CLUSTER.md`` (measured on their own), with their machine."""
    if not CLUSTER_OUT.is_file():
        return []
    text = CLUSTER_OUT.read_text(encoding="utf-8")
    facts = [line for line in text.splitlines()
             if line.startswith(("| date", "| commit", "| load average"))]
    results = text.split("## Results", 1)[-1].split("## Time each benchmark took", 1)[0]
    return ["## Grading on a Dask cluster", "",
            f"Measured on its own by `python -m bench.run --only cluster --output "
            f"bench/{CLUSTER_OUT.name}` (copied here from [`{CLUSTER_OUT.name}`]"
            f"({CLUSTER_OUT.name}) by every full run); that run's machine:", "",
            "| | |", "|---|---|", *facts, "", results.strip().replace("### ", "#### "), ""]


def document(cfg: dict[str, Any], facts: dict[str, str], tables: list[Table],
             took: dict[str, float], load_end: str) -> str:
    """The whole markdown page: intro, machine, tables, how to rerun."""
    mode = "quick smoke run (1 run per figure; not for comparison)" if cfg["quick"] else "full run"
    if cfg["only"] != set(BENCHMARKS if cfg["quick"] else FULL):
        mode += f" of {', '.join(b for b in BENCHMARKS if b in cfg['only'])} only"
    command = " ".join(["python -m bench.run", *cfg["argv"]])
    every_module = len(discover.modules(ROOT))
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python -m bench.run` (`make bench`); do not edit by hand. "
        "`make bench-quick` is a smoke run that writes `build/bench-quick.md` instead. "
        "Figures are medians of repeated runs next to a baseline measured in the same run; "
        "no test asserts any of them.",
        "",
        f"Mode: {mode}. Runs per figure: {cfg['runs']} (start-up: {cfg['startup_runs']}). "
        f"Modules executed: {len(cfg['modules'])} ({', '.join(cfg['modules'])}). "
        f"Synthetic class: {cfg['students']} students × {', '.join(cfg['grade_modules'])}.",
        "",
        f"Command: `{command}`. The default class ({FULL_STUDENTS} students × modules "
        f"{', '.join(FULL_GRADE_MODULES)}, a lesson and a lab) keeps `make bench` near half an "
        "hour on a 2-core machine with three runs of every mode. The class-scale figure, "
        f"30 students × every module ({30 * every_module} submissions with "
        f"{every_module} modules), takes about an hour per run there (measured "
        "with 11 modules), so `make bench-class` measures it once, serial nbgrader vs "
        "`--jobs 2`, in "
        f"[`{CLASS_OUT.name}`]({CLASS_OUT.name}); "
        "`--students` and `--grade-modules` change either.",
        "",
        "## Machine",
        "",
        machine.markdown({**facts, "load average at end (1/5/15 min)": load_end}),
        shared_note(facts, load_end),
        "",
        "## Results",
        "",
    ]
    for table in tables:
        lines += [table.markdown(), ""]
    if "cluster" not in cfg["only"] and cfg["output"].resolve() == README.resolve():
        lines += cluster_section()
    lines += ["## Time each benchmark took", "",
              "| benchmark | seconds |", "|---|---|"]
    lines += [f"| {name} | {seconds:.0f} |" for name, seconds in took.items()]
    lines += ["", "## Rerun", "",
              "```",
              "make bench                      # full: rewrites bench/README.md",
              "make bench-quick                # smoke: build/bench-quick.md",
              "make bench-class                # 30 students × every module, once: bench/CLASS.md",
              ".venv/bin/python -m bench.run --only cluster --output bench/CLUSTER.md  # Dask",
              ".venv/bin/python -m bench.run --only autograde --students 30 --grade-modules 01 "
              "--output build/bench-grade.md",
              "```",
              "Options: `--modules`, `--grade-modules`, `--students N`, `--runs N`, "
              "`--startup-runs N`, `--only ...`, `--without-jobs1`, `--output PATH`.", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    cfg = settings(parse(argv), argv)
    output: Path = cfg["output"]
    if output.resolve() == README.resolve() and (cfg["quick"] or cfg["only"] != set(FULL)):
        output = ROOT / "build" / "bench-partial.md"
        log(f"not a full run of every benchmark: writing {output} instead of bench/README.md")
    facts = machine.describe()
    start = time.perf_counter()
    with common.bench_environment():
        tables, took = run_all(cfg)
    took["total"] = time.perf_counter() - start
    text = document(cfg, facts, tables, took, machine.load_average())
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    bad = [f"{t.title}: {p}" for t in tables for p in t.problems()]
    for problem in bad:
        log(f"malformed table: {problem}")
    log(f"wrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output} "
        f"in {took['total']:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
