"""The ``course`` command: every tool a learner, instructor or maintainer runs.

One argparse parser (click or typer would add a dependency and nothing this needs); heavy
imports happen inside each sub-command, so ``course --help`` starts fast. Options that take
several values are repeatable and each takes one or more (``--student a b --student c``).
Errors go to stderr with a non-zero exit: 1 when a check found problems, 2 when the command
could not run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from course.grading.config import Course
from pathlib import Path


class CommandError(RuntimeError):
    """A sub-command could not run; ``main`` prints the message on stderr and exits 2."""


def _root() -> Path:
    from course import paths

    try:
        return paths.require_repo_root()
    except FileNotFoundError as error:
        raise CommandError(str(error)) from None


def _release(args: argparse.Namespace) -> int:
    from course.release import ReleaseError, release

    root = _root()
    try:
        written = release(root, args.modules or None)
    except ReleaseError as error:
        raise CommandError(str(error)) from None
    for target in written:
        print(f"released {target.relative_to(root)}")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from course.generate import GenerateError, generate
    from course.release import ReleaseError

    root = _root()
    try:
        stale = generate(root, check=args.check)
    except (GenerateError, ReleaseError) as error:
        raise CommandError(str(error)) from None
    if stale:
        print("stale (run `course generate`):\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    print("every generated file is up to date" if args.check else "generated")
    return 0


def _lint(args: argparse.Namespace) -> int:
    from course import agenda, coverage, modules
    from course.quiz.lint import run

    root = _root()
    found = [f"modules: {p}" for p in modules.problems(root)]
    found += [f"quiz: {p}" for p in run(solutions_dir=root / "solutions")]
    found += [f"coverage: {p}" for p in coverage.problems(root)]
    found += [f"agenda: {p}" for p in agenda.problems(root)]
    if found:
        print("\n".join(found), file=sys.stderr)
        print(f"\n{len(found)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"{len(modules.load(root))} modules: manifest, quiz banks, coverage and agendas are "
          "consistent")
    return 0


def _modules(args: argparse.Namespace) -> int:
    from course import modules, paths

    root = paths.repo_root()
    for module in modules.load():
        points = ""
        if root is not None and module.solution(root).is_file():
            auto, manual = module.points(root)
            points = f"  {auto:g} auto + {manual:g} manual points"
        print(f"{module.slug:<28} {module.title}{points}")
    return 0


def _lab(args: argparse.Namespace) -> int:
    from course import lab

    return lab.start(_root(), args.port, open_browser=not args.no_browser)


def _gallery(args: argparse.Namespace) -> int:
    from course.charts.gallery import build

    print(f"wrote {build(args.out)}")
    return 0


def _course(args: argparse.Namespace) -> Course:
    from course.grading import config

    return config.load(args.course_dir, args.db)


def _wanted(args: argparse.Namespace) -> list[str] | None:
    """Assignments named positionally (nbgrader's habit) and with ``--assignment``."""
    return [*(args.assignments or ()), *(args.assignment or ())] or None


def _assignments(course: Course, wanted: list[str] | None) -> list[str]:
    if wanted:
        return wanted
    source = course.dir("source")
    return sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []


def _autograde(args: argparse.Namespace) -> int:
    from course.grading.autograde import autograde, summary
    from course.grading.records import RunLimits, Status
    from course.grading.sandbox import Limits

    course = _course(args)
    limits = RunLimits(cell_timeout=args.timeout, budget=args.budget,
                       kernel=Limits(memory_bytes=args.memory * 1024**2))
    lines = autograde(course, _wanted(args), args.student, jobs=args.jobs, limits=limits,
                      allow_unsandboxed=args.no_sandbox_ok, quiet=args.quiet,
                      cluster=args.cluster, force=args.force, in_flight=args.in_flight)
    print(summary(lines))
    reused = sum(1 for x in lines if x.reused)
    print(f"\n{len(lines) - reused} notebook(s) graded, {reused} reused (unchanged; --force "
          f"re-grades them)\nlog: {course.log_path}")
    return 1 if any(x.status is Status.ERROR for x in lines) else 0


def _feedback(args: argparse.Namespace) -> int:
    from course.grading import feedback

    course = _course(args)
    for assignment in _assignments(course, _wanted(args)):
        written = feedback.generate(course, assignment, args.student)
        print(f"{assignment}: {len(written)} feedback file(s) in {course.dir('feedback')}")
        if args.exchange:
            feedback.release(course, assignment, args.exchange, args.student)
            print(f"{assignment}: feedback released to {args.exchange}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from course.grading.export import export

    course = _course(args)
    count = export(course, args.out, per_cell=args.cells)
    print(f"wrote {count} row(s) to {args.out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from course.grading.report import write

    print(f"wrote {write(_course(args), args.out)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from course.grading.check import check
    from course.grading.repair import InvalidNotebook

    try:
        report = check(args.notebook, timeout=args.timeout)
    except (InvalidNotebook, FileNotFoundError) as error:
        raise CommandError(str(error)) from None
    print(report.text(args.notebook.name))
    return 0 if report.ready else 1


def _room_serve(args: argparse.Namespace) -> int:
    from course.room.serve import run

    return run(args.db, args.host, args.port, args.k, workers=args.workers,
               new_room=args.new_room, title=args.title, prefix=args.prefix)


def _grading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course-dir", type=Path, default=None,
                        help="the nbgrader course folder (default: the nearest one with "
                             "nbgrader_config.py)")
    parser.add_argument("--db", default=None,
                        help="gradebook SQLAlchemy URL (default: from nbgrader_config.py)")


def _which(parser: argparse.ArgumentParser) -> None:
    """Assignments (positional, as nbgrader takes them, or ``--assignment``) and students."""
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="only these assignments, e.g. 01-identity-shift (default: all)")
    parser.add_argument("--assignment", action="extend", nargs="+", metavar="NAME",
                        help="same as ASSIGNMENT (repeatable)")
    parser.add_argument("--student", action="extend", nargs="+", metavar="ID",
                        help="only these students (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    from course.grading import records  # the grading defaults (standard library only)
    from course.grading.sandbox import Limits

    parser = argparse.ArgumentParser(
        prog="course", description="Every tool of the course: for learners (lab, check), "
        "instructors (autograde, feedback, export, report, room) and maintainers (release, "
        "generate, lint, gallery, modules).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lab = commands.add_parser("lab", help="open JupyterLab on the course (what `make workshop` "
                                          "runs)")
    lab.add_argument("--port", type=int, default=8888, help="default 8888")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.set_defaults(run=_lab)

    rel = commands.add_parser("release",
                              help="regenerate notebooks/ from solutions/ (leak-checked)")
    rel.add_argument("modules", nargs="*",
                     help="module folders, e.g. 01-identity-shift (default: all)")
    rel.set_defaults(run=_release)

    gen = commands.add_parser("generate", help="regenerate every generated file: estimates, "
                                               "notebooks/, datasets, the agenda")
    gen.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 naming every stale file (run in make test)")
    gen.set_defaults(run=_generate)

    lint = commands.add_parser("lint", help="check the module manifest, quiz banks, concept "
                                            "coverage and agendas")
    lint.set_defaults(run=_lint)

    mods = commands.add_parser("modules", help="list the modules (course/modules.yaml)")
    mods.set_defaults(run=_modules)

    gal = commands.add_parser("gallery", help="render every chart to PNG with an index.html")
    gal.add_argument("--out", type=Path, default=Path("build/gallery"),
                     help="default build/gallery")
    gal.set_defaults(run=_gallery)

    auto = commands.add_parser("autograde", help="grade submitted/ in parallel, sandboxed")
    _grading_options(auto)
    _which(auto)
    auto.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                      help="worker processes (default: CPU count)")
    auto.add_argument("--timeout", type=float, default=records.CELL_TIMEOUT,
                      help=f"seconds per cell (default {records.CELL_TIMEOUT:g})")
    auto.add_argument("--budget", type=float, default=records.NOTEBOOK_BUDGET,
                      help=f"seconds per notebook (default {records.NOTEBOOK_BUDGET:g})")
    memory = Limits().memory_bytes // 1024**2
    auto.add_argument("--memory", type=int, default=memory,
                      help=f"MiB per kernel (default {memory})")
    auto.add_argument("--no-sandbox-ok", action="store_true",
                      help="run student code without a sandbox if bubblewrap is unavailable")
    auto.add_argument("--quiet", action="store_true", help="no progress line")
    auto.add_argument("--force", action="store_true",
                      help="re-grade every submission, even those whose hash is unchanged")
    auto.add_argument("--cluster", metavar="ADDRESS|NAME", default=None,
                      help="grade on a Dask cluster: its scheduler address, e.g. "
                           "tcp://10.0.0.5:8786, or a dask-gateway cluster name (the "
                           "gateway from DASK_GATEWAY__ADDRESS and DASK_GATEWAY__AUTH__*); "
                           "--jobs is then ignored")
    auto.add_argument("--in-flight", type=int, default=None, metavar="N",
                      help="with --cluster: at most N submissions in flight (default: twice "
                           "the workers' threads)")
    auto.set_defaults(run=_autograde)

    feed = commands.add_parser("feedback", help="feedback HTML without hidden tests")
    _grading_options(feed)
    _which(feed)
    feed.add_argument("--exchange", type=Path, help="also release it to this nbgrader exchange")
    feed.set_defaults(run=_feedback)

    exp = commands.add_parser("export", help="grades as CSV")
    _grading_options(exp)
    exp.add_argument("--out", type=Path, default=Path("grades.csv"), help="default grades.csv")
    exp.add_argument("--cells", action="store_true", help="one row per graded cell")
    exp.set_defaults(run=_export)

    rep = commands.add_parser("report", help="an offline HTML report of the class")
    _grading_options(rep)
    rep.add_argument("--out", type=Path, default=Path("report.html"), help="default report.html")
    rep.set_defaults(run=_report)

    chk = commands.add_parser("check", help="check your notebook before you submit it")
    chk.add_argument("notebook", type=Path)
    chk.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    chk.set_defaults(run=_check)

    room = commands.add_parser("room", help="a live room: learners' quiz answers, live")
    room_commands = room.add_subparsers(dest="room_command", required=True)
    serve = room_commands.add_parser("serve", help="serve a room; prints the join code and "
                                                   "the instructor link")
    serve.add_argument("--db", default=None,
                       help="SQLite file or SQLAlchemy URL (default room.sqlite)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1; 0.0.0.0 for the room network)")
    serve.add_argument("--port", type=int, default=8765, help="default 8765")
    serve.add_argument("--k", type=int, default=5,
                       help="show a distribution only once k learners answered (default 5)")
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.add_argument("--new-room", action="store_true",
                       help="start a new room even if the database has one")
    serve.add_argument("--title", default="Workshop", help="the new room's title")
    serve.add_argument("--prefix", default=None,
                       help="URL prefix, e.g. /services/room/ behind JupyterHub "
                            "(default: $JUPYTERHUB_SERVICE_PREFIX, else none)")
    serve.set_defaults(run=_room_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``course`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CommandError as error:
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        from course.grading.config import GradingError

        if not isinstance(error, GradingError):
            raise
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 2
