"""Module 00's set-up check: each need gets a ✅, or a ❌ with a fix in plain words."""

from __future__ import annotations

from course import prerequisites


def test_this_environment_is_ready(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", str(tmp_path / "progress.json"))
    assert prerequisites.check() is True
    out = capsys.readouterr().out
    assert "❌" not in out and out.count("✅") == len(prerequisites.PACKAGES) + 3
    assert "Everything the course needs is here." in out
    assert not (tmp_path / "progress.json").exists(), "the check must not create the progress file"
    assert list(tmp_path.iterdir()) == [], "the scratch file is removed"


def test_an_old_python_is_named_with_what_to_install():
    finding = prerequisites.check_python((3, 10, 4))
    assert not finding.ok
    assert "3.10.4 is older than the 3.11" in finding.detail
    assert "install Python 3.11" in finding.fix and "make setup" in finding.fix
    assert prerequisites.check_python((3, 12, 0)).ok


def test_a_missing_package_says_what_it_is_for_and_how_to_fix_it():
    def importer(name):
        if name == "vl_convert":
            raise ModuleNotFoundError("No module named 'vl_convert'")
        return __import__(name)

    found = {f.item: f for f in prerequisites.check_packages(importer)}
    broken = found["vl_convert"]
    assert not broken.ok and found["pandas"].ok
    assert "drawing charts without a network" in broken.detail and "No module named" in broken.detail
    assert "make setup" in broken.fix and "Change Kernel" in broken.fix
    assert broken.line().startswith("❌ vl_convert:") and "\n   To fix: " in broken.line()


def test_a_progress_path_under_a_file_is_reported(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    finding = prerequisites.check_progress_store(blocker / "progress.json")
    assert not finding.ok
    assert "quiz answers would not be saved" in finding.detail and "COURSE_PROGRESS" in finding.fix


def test_wrong_datasets_folder_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path))
    finding = prerequisites.check_datasets()
    assert not finding.ok and "datapackage.json" in finding.detail and "COURSE_DATASETS" in finding.fix


def test_the_summary_lists_what_to_fix(capsys, monkeypatch):
    old_python = prerequisites.check_python((3, 9, 1))
    monkeypatch.setattr(prerequisites, "check_python", lambda: old_python)
    monkeypatch.setattr(prerequisites, "check_datasets",
                        lambda: prerequisites.Finding("datasets", False, "gone", "put them back"))
    assert prerequisites.check() is False
    out = capsys.readouterr().out
    assert "2 thing(s) to fix before module 01: Python, datasets." in out
