"""CodeText.reader_of: which file of a service's code names a variable, given as the reason it dials."""

from __future__ import annotations

from pathlib import Path

from doctor.project.codetext import CodeText


def _repo(tmp_path: Path) -> Path:
    # DefectDojo's dev override bind-mounts the whole repo: docker/ holds every service's
    # entrypoint script, and sorts before the settings module that the web service reads
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "entrypoint-unit-tests.sh").write_text('psql "$DD_DATABASE_URL" -c "select 1"\n')
    (tmp_path / "dojo").mkdir()
    (tmp_path / "dojo" / "settings.py").write_text('DATABASE = env("DD_DATABASE_URL")\n')
    return tmp_path


def test_a_source_file_is_the_reader_before_a_script_the_service_does_not_run(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert CodeText().reader_of("DD_DATABASE_URL", [root], "/entrypoint-uwsgi.sh") == str(root / "dojo" / "settings.py")


def test_a_script_the_service_runs_is_its_reader(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    found = CodeText().reader_of("DD_DATABASE_URL", [root], "/entrypoint-unit-tests.sh")
    assert found == str(root / "docker" / "entrypoint-unit-tests.sh")


def test_a_script_alone_still_counts(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "dojo" / "settings.py").write_text("DATABASE = None\n")
    found = CodeText().reader_of("DD_DATABASE_URL", [root], "")
    assert found == str(root / "docker" / "entrypoint-unit-tests.sh")
    assert CodeText().reader_of("DD_DATABASE_URL", [root], "run $DD_DATABASE_URL") == "its command"
