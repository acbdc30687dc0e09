"""runtime-drift on the shapes a tester met in real projects.

- mealie and paperless-ngx keep their compose files in docker/ and build with `context: ..`: the
  CI of the checkout's top was never read, so `python-version: "3.10"` against `FROM python:3.12`
  passed. mealie's e2e job (node 18 for the playwright package in tests/e2e) is no voice for the
  app the Dockerfile builds on node 16.
- nickjj/docker-django-example copies `assets/package.json` into the node stage and installs
  there: `assets/.nvmrc` and that package.json's engines were never read.
- Poetry projects state their Python as `[tool.poetry.dependencies] python = "^3.11"`.

Each test builds a small checkout (`git init`), never runs a tool of the project.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions
from doctor.project.python_requires import poetry_spec
from doctor.project.runtimes import manifest_folders
from doctor.project.types import CopyInstruction
from doctor.project.version_specs import satisfies

CHECK = "runtime-drift"
SETUP_PYTHON = ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n{defaults}    steps:\n"
                "      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n        with:\n"
                "          python-version: \"3.10\"\n")
DOCKER_FOLDER = {
    "docker/compose.yaml": "services:\n  app:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n",
    "docker/Dockerfile": "FROM python:3.12-slim\n",
}


def _write(root: Path, files: dict[str, str], git: bool = True) -> Path:
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _findings(root: Path, home: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env), select=(CHECK,), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == CHECK]


def _shown(findings: list[Finding], top: Path) -> list[tuple[str, int | None, str]]:
    return [(f.location.path.relative_to(top).as_posix(), f.location.line, f.message) for f in findings if f.location]


CI_AT_TOP = [(".github/workflows/ci.yml", 9, "python 3.10 (CI python-version: 3.10), elsewhere 3.12: Dockerfile:1")]


@pytest.mark.parametrize(("files", "git", "folder", "expected"), [
    # mealie/paperless-ngx: compose in docker/, built from the top, CI at the top
    ({**DOCKER_FOLDER, ".github/workflows/ci.yml": SETUP_PYTHON.format(defaults="")}, True, "docker", CI_AT_TOP),
    # without git, the folder a build context reaches (`context: ..`) is where the checkout starts
    ({**DOCKER_FOLDER, ".github/workflows/ci.yml": SETUP_PYTHON.format(defaults="")}, False, "docker", CI_AT_TOP),
    # the CI already agrees: nothing to say
    ({**DOCKER_FOLDER, ".github/workflows/ci.yml": SETUP_PYTHON.format(defaults="").replace("3.10", "3.12")},
     True, "docker", []),
    # without git and no build reaching above docker/: the project root alone, as before
    ({"docker/compose.yaml": "services:\n  app:\n    build: .\n", "docker/Dockerfile": "FROM python:3.12-slim\n",
      ".github/workflows/ci.yml": SETUP_PYTHON.format(defaults="")}, False, "docker", []),
    # a demo in a tool's repository, built from its own folder: the repository's CI tests the tool
    ({"examples/demo/compose.yaml": "services:\n  app:\n    build: .\n",
      "examples/demo/Dockerfile": "FROM python:3.12-slim\n",
      ".github/workflows/ci.yml": SETUP_PYTHON.format(defaults="")}, True, "examples/demo", []),
    # ... unless the job works in that demo's folder
    ({"examples/demo/compose.yaml": "services:\n  app:\n    build: .\n",
      "examples/demo/Dockerfile": "FROM python:3.12-slim\n",
      ".github/workflows/ci.yml": SETUP_PYTHON.format(
          defaults="    defaults:\n      run:\n        working-directory: ./examples/demo\n")}, True, "examples/demo",
     [(".github/workflows/ci.yml", 12, "python 3.10 (CI python-version: 3.10), elsewhere 3.12: Dockerfile:1")]),
], ids=["git-top", "no-git-context-reaches-top", "agrees", "no-git-no-reach", "demo-folder", "job-in-demo-folder"])
def test_the_ci_of_the_checkout_around_a_compose_folder(tmp_path: Path, files: dict[str, str], git: bool,
                                                         folder: str, expected: list[tuple[str, int, str]]) -> None:
    top = _write(tmp_path / "repo", files, git)
    assert _shown(_findings(top / folder, tmp_path), top) == expected


def test_never_above_the_folder_that_holds_git(tmp_path: Path) -> None:
    # docker/ is a checkout of its own inside another folder: that folder's CI is not its CI
    top = _write(tmp_path / "outer", {".github/workflows/ci.yml": SETUP_PYTHON.format(defaults="")}, git=False)
    _write(top / "docker", {"compose.yaml": "services:\n  app:\n    build:\n      context: ..\n"
                            "      dockerfile: docker/Dockerfile\n", "Dockerfile": "FROM python:3.12-slim\n"})
    assert _findings(top / "docker", tmp_path) == []


MEALIE_CI = {
    "docker/compose.yaml": "services:\n  mealie:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n",
    "docker/Dockerfile": "FROM node:16 as builder\nCOPY ./frontend .\n",
    ".github/workflows/partial-frontend.yml": "on: workflow_call\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 16\n",
    ".github/workflows/e2e.yml": "on: workflow_call\njobs:\n  test:\n    runs-on: ubuntu-latest\n{defaults}"
    "    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 18\n",
}


@pytest.mark.parametrize(("defaults", "expected"), [
    ("    defaults:\n      run:\n        working-directory: ./tests/e2e\n", []),
    ("", [(".github/workflows/e2e.yml", 8, "node 18 (CI node-version: 18), elsewhere 16: Dockerfile:1, "
           "../.github/workflows/partial-frontend.yml:8")]),
], ids=["e2e-in-its-own-folder", "job-at-the-top"])
def test_a_job_working_in_a_folder_no_build_uses_is_no_voice(tmp_path: Path, defaults: str,
                                                             expected: list[tuple[str, int, str]]) -> None:
    files = {name: text.replace("{defaults}", defaults) for name, text in MEALIE_CI.items()}
    top = _write(tmp_path / "mealie", files)
    assert _shown(_findings(top / "docker", tmp_path), top) == expected


# nickjj/docker-django-example (upstream 25de410), the parts that matter: the assets stage installs
# assets/package.json in /app/assets; web and worker copy its output (COPY --from=assets)
DJANGO = {
    "compose.yaml": "x-app: &default-app\n  build:\n    context: \".\"\n    target: \"app\"\n"
    "x-assets: &default-assets\n  build:\n    context: \".\"\n    target: \"assets\"\n"
    "services:\n  web:\n    <<: *default-app\n  worker:\n    <<: *default-app\n"
    "  js:\n    <<: *default-assets\n  css:\n    <<: *default-assets\n",
    "Dockerfile": "FROM node:24.15.0-trixie-slim AS assets\nWORKDIR /app/assets\nUSER node\n"
    "COPY --chown=node:node assets/package.json assets/*yarn* ./\nRUN yarn install && yarn cache clean\n"
    "COPY --chown=node:node . ..\n\n"
    "FROM python:3.14.5-slim-trixie AS app-build\nWORKDIR /app\nCOPY --chown=python:python pyproject.toml uv.lock* ./\n"
    "RUN bin/uv-install\n\n"
    "FROM python:3.14.5-slim-trixie AS app\nWORKDIR /app\n"
    "COPY --chown=python:python --from=assets /app/public /public\n"
    "COPY --from=app-build /home/python/.local /home/python/.local\nCOPY --chown=python:python . .\n",
    "pyproject.toml": '[project]\nname = "hello"\nversion = "0.0.0"\nrequires-python = ">=3.13"\n',
    "assets/package.json": '{\n  "name": "hello",\n  "private": true,\n  "dependencies": {\n'
    '    "esbuild": "0.28.0"\n  }\n}\n',
    "assets/yarn.lock": "",
}
NODE_24 = "FROM node:24.15.0-trixie-slim at Dockerfile:1"
ENGINES = '{\n  "name": "hello",\n  "private": true,\n  "engines": {\n    "node": ">=25"\n  }\n}\n'


@pytest.mark.parametrize(("planted", "expected"), [
    ({}, []),  # upstream as it is
    ({"assets/package.json": ENGINES}, [("assets/package.json", 5, "engines.node >=25 excludes node 24.15.0 of "
                                         f"services 'css', 'js', 'web' and 1 more ({NODE_24})")]),
    ({"assets/.nvmrc": "22\n"}, [("assets/.nvmrc", 1, "node 22 (.nvmrc 22) but services 'css', 'js', 'web' and 1 more "
                                  f"build {NODE_24}")]),
    ({"assets/.nvmrc": "24\n"}, []),
], ids=["upstream", "engines", "nvmrc", "nvmrc-agrees"])
def test_version_files_beside_the_manifest_a_dockerfile_copies(tmp_path: Path, planted: dict[str, str],
                                                               expected: list[tuple[str, int, str]]) -> None:
    root = _write(tmp_path / "django", {**DJANGO, **planted})
    assert _shown(_findings(root, tmp_path), root) == expected


def test_manifest_folders_are_the_folders_a_manifest_is_copied_from(tmp_path: Path) -> None:
    copies = [CopyInstruction(sources, "/app/", 1) for sources in (
        ("assets/package.json", "assets/*yarn*"), ("frontend/package*.json",), ("requirements/*.txt",),
        ("/web/requirements-dev.txt",), ("api/pyproject.toml", "api/uv.lock"), ("pyproject.toml",),
        ("src/",), ("../elsewhere/package.json",), ("$DIR/package.json",), ("docs/index.md",))]
    assert manifest_folders(tmp_path, copies) == [
        tmp_path / "assets", tmp_path / "frontend", tmp_path / "requirements", tmp_path / "web", tmp_path / "api"]


@pytest.mark.parametrize(("constraint", "spec"), [
    ("^3.11", ">=3.11,<4.0"), ("^3.11.2", ">=3.11.2,<4.0"), ("~3.11", ">=3.11,<3.12"), ("~3.11.2", ">=3.11.2,<3.12"),
    ("~3", ">=3,<4.0"), (">=3.9,<3.13", ">=3.9,<3.13"), (">= 3.9 < 3.13", ">=3.9,<3.13"), ("3.11", "==3.11.*"),
    ("3.11.*", "==3.11.*"), ("~=3.10", "~=3.10"), (">=3.10,!=3.11.*", ">=3.10,!=3.11.*"),
    ("*", ""), ("^3.9 || ^3.11", ""), ("latest", ""),  # no range, or one not read: nothing declared
])
def test_poetry_constraints_as_the_ranges_poetry_means(constraint: str, spec: str) -> None:
    assert poetry_spec(constraint) == spec


def test_a_caret_is_below_the_next_major() -> None:
    assert [satisfies(v, poetry_spec("^3.11"), "python") for v in ("3.10", "3.11", "3.13", "4.0")] == [
        False, True, True, False]


@pytest.mark.parametrize(("pyproject", "image", "expected"), [
    ('[tool.poetry.dependencies]\npython = "^3.11"\n', "3.12", []),
    ('[tool.poetry.dependencies]\npython = "^3.11"\n', "3.10",
     [("pyproject.toml", 6, "poetry python ^3.11 excludes python 3.10 pinned at Dockerfile:1")]),
    ('[tool.poetry.dependencies]\npython = { version = ">=3.9,<3.11" }\n', "3.12",
     [("pyproject.toml", 6, "poetry python >=3.9,<3.11 excludes python 3.12 pinned at Dockerfile:1")]),
    # `requires-python` says it: Poetry's own constraint is not read twice
    ('[project]\nrequires-python = ">=3.10"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n', "3.10", []),
], ids=["caret-agrees", "caret-excludes", "table-form", "requires-python-wins"])
def test_poetry_python_against_the_dockerfile(tmp_path: Path, pyproject: str, image: str,
                                              expected: list[tuple[str, int, str]]) -> None:
    root = _write(tmp_path / "p", {
        "pyproject.toml": '[tool.poetry]\nname = "app"\nversion = "0.1.0"\n\n' + pyproject + 'django = "^5.0"\n',
        "compose.yaml": "services:\n  app:\n    build: .\n", "Dockerfile": f"FROM python:{image}-slim\n"})
    assert _shown(_findings(root, tmp_path), root) == expected
