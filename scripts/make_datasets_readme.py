"""Regenerate datasets/README.md from datasets/datapackage.json.

    python scripts/make_datasets_readme.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course import data

README = Path(__file__).resolve().parent.parent / "datasets" / "README.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate datasets/README.md.")
    parser.add_argument("--check", action="store_true", help="fail if the README is stale")
    args = parser.parse_args(argv)
    text = data.data_dictionary()
    if args.check:
        current = README.read_text(encoding="utf-8") if README.exists() else ""
        if current != text:
            print("datasets/README.md is out of date: run scripts/make_datasets_readme.py",
                  file=sys.stderr)
            return 1
        return 0
    README.write_text(text, encoding="utf-8")
    print(f"wrote {README}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
