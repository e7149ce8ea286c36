"""A worker's unpacked bundles stay bounded: pruning removes those the run did not use, but
never one a job is reading (its shared lock), and a pruned bundle unpacks again on demand."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest

from course.grading import bundle_files
from course.grading.cache import Bundle


def _bundle(letter: str) -> Bundle:
    return Bundle("ps1", refs=[], files={"data/words.txt": f"{letter}\n".encode()},
                  digest=letter * 64)


@pytest.fixture(autouse=True)
def _tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def _unpacked_names() -> set[str]:
    return {p.name[:1] for p in bundle_files.folder().iterdir() if p.is_dir()}


def test_prune_keeps_the_runs_bundles_and_those_in_use():
    for letter in "abc":
        with bundle_files.unpacked(_bundle(letter)) as source:
            assert (source / "data" / "words.txt").read_text() == f"{letter}\n"
    old = bundle_files.folder() / ("d" * 64)  # unpacked before bundles had lock files
    old.mkdir()
    stale = bundle_files.folder() / f".unpack-{'c' * 64}-x1y2"  # a crash mid-unpack
    stale.mkdir()
    with bundle_files.unpacked(_bundle("b")):
        removed = bundle_files.prune(keep=["a" * 64])
        assert removed == ["c" * 64, "d" * 64]
        assert _unpacked_names() == {"a", "b"}
    assert bundle_files.prune(keep=["a" * 64]) == ["b" * 64]
    assert _unpacked_names() == {"a"}
    with bundle_files.unpacked(_bundle("b")) as source:  # needed again: unpacked again
        assert (source / "data" / "words.txt").read_text() == "b\n"


def test_a_job_in_another_thread_holds_its_bundle():
    reading, done = threading.Event(), threading.Event()

    def job() -> None:
        with bundle_files.unpacked(_bundle("e")):
            reading.set()
            done.wait(30)

    worker = threading.Thread(target=job)
    worker.start()
    try:
        assert reading.wait(30)
        assert bundle_files.prune(keep=[]) == []
        assert _unpacked_names() == {"e"}
    finally:
        done.set()
        worker.join(30)
    assert bundle_files.prune(keep=[]) == ["e" * 64]


def test_prune_without_a_bundle_folder_does_nothing():
    assert bundle_files.prune(keep=[]) == []
