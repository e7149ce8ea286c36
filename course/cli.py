"""The ``course`` command. Heavy imports happen inside each sub-command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def _release(args: argparse.Namespace) -> int:
    from course import paths
    from course.release import ReleaseError, release

    root = paths.require_repo_root()
    try:
        written = release(root, args.modules or None)
    except ReleaseError as error:
        print(f"course release: {error}")
        return 1
    for target in written:
        print(f"released {target.relative_to(root)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="course", description="Run the course: release, grade, check.")
    commands = parser.add_subparsers(dest="command", required=True)
    rel = commands.add_parser("release", help="regenerate notebooks/ from solutions/ (leak-checked)")
    rel.add_argument("modules", nargs="*", help="module folders, e.g. 01-identity-shift (default: all)")
    rel.set_defaults(run=_release)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``course`` command."""
    args = build_parser().parse_args(argv)
    return int(args.run(args))
