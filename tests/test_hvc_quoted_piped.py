"""host-vs-container on recipe lines a shell reads differently from a plain split (new-user trials).

D1 python/pythondotorg docs/Makefile: `python -c "import webbrowser; webbrowser.open(...)"` was split at the
`;` inside the quotes: "run it as docker compose run --rm ... python -c '"import' webbrowser". D5
internetarchive/openlibrary: `psql ... | xargs python openlibrary/solr/update.py ...` was advised as the
last stage alone, which drops the keys xargs feeds it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.lazyre import lazy
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.script_words import _run_commands
from doctor.project.shellwords import split_command, split_pipelines, split_unquoted

NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"
DOCKERFILE = ("FROM python:3.12\nWORKDIR {workdir}\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
              "COPY . .\n")


def findings(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    import doctor.host.containers

    monkeypatch.setattr(doctor.host.containers, "service_running", lambda *_: False)
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": NO_ENGINE, "HOME": str(project.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=project, env=env)), host))


def advised(found: list[Finding]) -> list[tuple[str, ...]]:
    return [tuple(f.fix.command[f.fix.command.index("run"):]) for f in found if f.fix and f.fix.command]


def test_a_quoted_separator_does_not_split_a_recipe_line(tmp_path: Path) -> None:
    line = 'python -c "import webbrowser; webbrowser.open(\'build/html/index.html\')" && echo done | cat'
    assert [(text, tool) for text, tool, _ in split_command(line, tmp_path)] == [
        ("python -c 'import webbrowser; webbrowser.open('\"'\"'build/html/index.html'\"'\"')'", "python"),
        ("cat", "cat")]
    assert [tool for _, tool, _ in split_command("echo 'a | b' && ruff check \\; x", tmp_path)] == ["ruff"]


def test_a_pipeline_stage_carries_its_pipeline(tmp_path: Path) -> None:
    line = 'cd docs && psql -c "select 1; select 2" | xargs python update.py --x && pytest'
    found = [(tool, cwd, pipeline) for _, tool, cwd, pipeline, _, _ in split_pipelines(line, tmp_path)]
    whole = 'psql -c "select 1; select 2" | xargs python update.py --x'
    docs = (tmp_path / "docs").resolve()
    assert found == [("psql", docs, whole), ("python", docs, whole), ("pytest", docs, "")]
    assert [p for *_, p in split_pipelines("xargs -0 python x.py < keys", tmp_path)] == ["xargs -0 python x.py < keys"]


def test_a_run_line_is_split_outside_quotes() -> None:
    assert split_unquoted('a "x; y" ; b', lazy(r";")) == ['a "x; y" ', " b"]
    assert _run_commands("python -c 'import x; print(1)' && ./y.sh") == ["python", "./y.sh"]
    assert _run_commands('sh -c "cd /app; ./build.sh"') == ["sh", "cd", "./build.sh"]


def test_a_quoted_separator_stays_in_the_advised_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE.format(workdir="/code"))
    (tmp_path / "requirements.txt").write_text("doctor-absent-django\n")
    (tmp_path / "compose.yaml").write_text('services: {web: {build: ., volumes: [".:/code"]}}\n')
    (tmp_path / "Makefile").write_text('check:\n\tpython -c "import doctor_absent_django; print(1)"\n')
    assert advised(findings(tmp_path, monkeypatch)) == [
        ("run", "--rm", "web", "python", "-c", "import doctor_absent_django; print(1)")]


def test_a_piped_command_is_advised_with_its_whole_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE.format(workdir="/app"))
    (tmp_path / "requirements.txt").write_text("doctor-absent-aiofiles\ndoctor-absent-web.py\n")
    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    build: .\n    volumes: [".:/app"]\n  db:\n    image: postgres:16\n')
    line = 'psql --host db app -t -c "select key from thing" | xargs python update.py --ol-url http://web:8080/'
    (tmp_path / "Makefile").write_text(f"reindex:\n\t{line}\n")
    (tmp_path / "update.py").write_text("import web\n")
    found = findings(tmp_path, monkeypatch)
    assert advised(found) == [("run", "--rm", "web", "sh", "-c", line)]
    assert found[0].fix is not None and "the whole pipeline, not 'python' alone" in found[0].fix.title


def test_python_c_of_the_standard_library_or_an_unread_variable_needs_no_image() -> None:
    """umap's `make help`: `python -c "$$PRINT_HELP_PYSCRIPT" < $(MAKEFILE_LIST)` reads the Makefile with `re` and
    `sys`; it was advised into 'app' as needing django. A `-c` importing the project's packages still is one."""
    from doctor.project.stdlib_only import inline_standard_library

    assert inline_standard_library("python", ["-c", "$$PRINT_HELP_PYSCRIPT", "<", "Makefile"])
    assert inline_standard_library("python3", ["-c", "import webbrowser; webbrowser.open('x')"])
    assert not inline_standard_library("python", ["-c", "import django; print(django.VERSION)"])
    assert not inline_standard_library("python", ["manage.py", "migrate"])
