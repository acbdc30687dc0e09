"""runtime-drift and a service's own folders: version files beside a service's build (its context,
its Dockerfile's folder and the folders up to the project root, nearest first) against its FROM.

The two reproductions are planted on copies of real projects (tests/replay): voting-app's
`result` service (node:18-slim) and fastapi-template 0.11's `backend` (python:3.14, built with
`context: .` and `dockerfile: backend/Dockerfile`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from trees import write_tree

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, relative_to
from doctor.project import ProjectOptions, runtimes
from doctor.project.runtimes import FolderVersions

REPLAY = Path(__file__).parent / "replay"


def _findings(root: Path, home: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env), select=("runtime-drift",), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == "runtime-drift"]


def _shown(findings: list[Finding], root: Path) -> list[tuple[str, int | None, str]]:
    return [(relative_to(f.location.path, root), f.location.line, f.message) for f in findings if f.location]


def _engines(path: Path, spec: str) -> None:
    data = json.loads(path.read_text())
    data["engines"] = {"node": spec}
    path.write_text(json.dumps(data, indent=2) + "\n")



@pytest.mark.parametrize(("plant", "where", "words"), [
    (lambda r: (r / "result" / ".nvmrc").write_text("20\n"), ("result/.nvmrc", 1), ("node 20", "FROM node:18-slim")),
    (lambda r: _engines(r / "result" / "package.json", ">=20"), ("result/package.json", 21),
     ("engines.node >=20", "node 18")),
], ids=["nvmrc", "engines"])
def test_voting_app_result_folder_against_its_image(plant: Callable[[Path], object], where: tuple[str, int],
                                                    words: tuple[str, ...], tmp_path: Path) -> None:
    root = tmp_path / "voting-app"
    shutil.copytree(REPLAY / "voting-app", root)
    assert _findings(root, tmp_path) == [], "upstream itself must be clean"
    plant(root)
    shown = _shown(_findings(root, tmp_path), root)
    assert [s[:2] for s in shown] == [where]
    assert "'result'" in shown[0][2] and all(w in shown[0][2] for w in words), shown


def test_fastapi_backend_python_version_against_its_image(tmp_path: Path) -> None:
    root = tmp_path / "fastapi"
    shutil.copytree(REPLAY / "fastapi-template-0.11", root)
    assert _findings(root, tmp_path) == [], "upstream itself must be clean"
    (root / "backend" / ".python-version").write_text("3.12\n")
    found = _findings(root, tmp_path)
    assert _shown(found, root) == [("backend/.python-version", 1, "python 3.12 (.python-version 3.12), outside "
                                    "requires-python >=3.14,<4.0 (backend/pyproject.toml:5) but service "
                                    "'backend' builds FROM python:3.14 at backend/Dockerfile:19")]
    assert found[0].fix is not None and found[0].fix.title == "change python 3.12 to 3.14 in backend/.python-version:1"
    (root / "backend" / ".python-version").write_text("3.14\n")
    assert _findings(root, tmp_path) == []


def test_nearest_file_of_each_kind_wins_and_the_root_only_shadows(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        ".nvmrc": "18\n", ".python-version": "3.12\n",
        "web/.nvmrc": "20\n", "web/.python-version": "3.11\n",
        "web/app/.nvmrc": "22\n", "web/app/package.json": '{"engines": {"node": ">=22"}}',
        "other/.nvmrc": "16\n",
    })
    found = FolderVersions(root).nearest((root / "web" / "app", root / "web" / "app"))
    assert [(relative_to(d.location.path, root), d.source) for d in found] == [
        ("web/app/.nvmrc", ".nvmrc 22"), ("web/app/package.json", "engines.node >=22"),
        ("web/.python-version", ".python-version 3.11"),
    ]
    # the context is the root, the Dockerfile in web/: web's files, nothing of the root's
    shadowed = FolderVersions(root).nearest((root, root / "web"))
    assert [d.source for d in shadowed] == [".python-version 3.11", ".nvmrc 20"]


def test_a_context_above_the_root_counts_alone_after_the_root(tmp_path: Path) -> None:
    # a devcontainer: compose.yaml in .devcontainer/, `context: ..`
    write_tree(tmp_path, {".python-version": "3.11\n", ".nvmrc": "20\n", ".devcontainer/.nvmrc": "22\n"})
    root = tmp_path / ".devcontainer"
    assert [d.source for d in FolderVersions(root).nearest((tmp_path, root))] == [".python-version 3.11"]
    assert FolderVersions(root).nearest((tmp_path.parent / "elsewhere" / "..",)) == []


def test_a_devcontainer_context_above_the_root_is_compared(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".python-version": "3.11\n",
        ".devcontainer/compose.yaml": "services:\n  dev:\n    build:\n      context: ..\n"
                                      "      dockerfile: .devcontainer/Dockerfile\n",
        ".devcontainer/Dockerfile": "FROM python:3.13-slim\n",
    })
    root = tmp_path / ".devcontainer"
    assert [(f.location.path, f.subject) for f in _findings(root, tmp_path) if f.location] == [
        (tmp_path / ".python-version", f"python:{tmp_path / '.python-version'}")]


def test_each_folder_is_read_once_however_many_services_share_it(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    services = "".join(f"  s{i}:\n    build:\n      context: ./svc/{i % 5}\n      dockerfile: ../../Dockerfile\n"
                       for i in range(200))
    write_tree(tmp_path, {"compose.yaml": f"services:\n{services}", "Dockerfile": "FROM node:18\n",
                      **{f"svc/{i}/.nvmrc": "20\n" for i in range(5)}})
    read: list[Path] = []
    real = runtimes.read_folder

    def counted(folder: Path) -> list[runtimes.Declared]:
        read.append(folder)
        return real(folder)

    monkeypatch.setattr(runtimes, "read_folder", counted)
    found = _findings(tmp_path, tmp_path)
    assert sorted(read) == sorted([tmp_path, tmp_path / "svc", *(tmp_path / "svc" / str(i) for i in range(5))])
    # one finding per version file, naming its services (the first three)
    assert sorted(relative_to(f.location.path, tmp_path) for f in found if f.location) == [
        f"svc/{i}/.nvmrc" for i in range(5)]
    assert "services 's0', 's10', 's100' and 37 more build" in found[0].message


def test_mise_toml_pins_like_tool_versions(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "mise.toml": '[env]\nX = "1"\n\n[tools]\npython = "3.12"\nnode = ["20", "18"]\nuv = "latest"\n',
        ".mise.toml": '[tools]\n"python" = { version = "3.11.9", virtualenv = ".venv" }\n'})
    found = [(d.runtime, d.location.path.name, d.location.line, d.versions) for d in runtimes.read_folder(root)]
    assert found == [("python", "mise.toml", 5, ("3.12",)), ("node", "mise.toml", 6, ("20", "18")),
                     ("python", ".mise.toml", 2, ("3.11.9",))]


def test_mise_toml_against_the_dockerfile(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "compose.yaml": "services:\n  app:\n    build: .\n",
        "Dockerfile": "ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim\n",
        "mise.toml": '[tools]\npython = "3.12"\n'})
    assert _shown(_findings(root, tmp_path), root) == [
        ("Dockerfile", 1, "python 3.11 (FROM python:3.11-slim), elsewhere 3.12: mise.toml:2")]  # the ARG line


def test_the_one_pin_that_ranges_and_ci_exclude_is_the_one_reported(tmp_path: Path) -> None:
    """Dockerfile 3.11 alone against requires-python >=3.12 and a CI matrix of 3.12 and 3.13: the
    Dockerfile is the odd one, not the two places that agree with each other."""
    root = write_tree(tmp_path / "p", {
        "compose.yaml": "services:\n  app:\n    build: .\n",
        "Dockerfile": "ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim AS base\n",
        "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.12"\n',
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    strategy:\n"
        "      matrix:\n        python-version: ['3.12', '3.13']\n    steps:\n      - uses: actions/setup-python@v5\n"
        "        with:\n          python-version: ${{ matrix.python-version }}\n"})
    findings = _findings(root, tmp_path)
    assert [(relative_to(f.location.path, root), f.location.line) for f in findings if f.location] == [
        ("Dockerfile", 1)]
    assert findings[0].message.startswith("python 3.11 (FROM python:3.11-slim), elsewhere 3.1")


@pytest.mark.parametrize(("compose", "expected"), [
    # compose's build arg beats the ARG default: 3.12 everywhere, nothing to report
    ('services:\n  app:\n    build:\n      context: .\n      args:\n        PYTHON_VERSION: "3.12"\n', []),
    ("services:\n  app:\n    build:\n      context: .\n      args: [PYTHON_VERSION=3.12]\n", []),
    # the default decides: reported where the version is written, the ARG line
    ("services:\n  app:\n    build: .\n",
     [("Dockerfile", 1, "python 3.11 (FROM python:3.11-slim), elsewhere 3.12: .python-version:1")]),
    # compose's arg is the drifting one: reported at the arg in compose
    ('services:\n  app:\n    build:\n      context: .\n      args:\n        PYTHON_VERSION: "3.10"\n',
     [("compose.yaml", 6, "python 3.10 (FROM python:3.10-slim), elsewhere 3.12: .python-version:1")]),
], ids=["compose-arg-agrees", "arg-list-agrees", "arg-default-drifts", "compose-arg-drifts"])
def test_a_from_through_an_arg_reads_compose_build_args(tmp_path: Path, compose: str,
                                                         expected: list[tuple[str, int, str]]) -> None:
    root = write_tree(tmp_path / "p", {
        "compose.yaml": compose, ".python-version": "3.12\n",
        "Dockerfile": "ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim AS base\nWORKDIR /app\n"})
    assert _shown(_findings(root, tmp_path), root) == expected


@pytest.mark.parametrize(("folder", "cfg"), [
    (".venv", "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.9.18\n"),  # python -m venv
    ("venv", "home = /usr/bin\nimplementation = CPython\nuv = 0.5.0\nversion_info = 3.9.18\n"),  # uv
], ids=["venv", "uv"])
def test_the_local_virtualenv_drifts_from_the_image_and_ci(tmp_path: Path, folder: str, cfg: str) -> None:
    """What tests run with on the laptop: the project's virtualenv, read from pyvenv.cfg (never run)."""
    root = write_tree(tmp_path / "p", {
        "compose.yaml": "services:\n  app:\n    build: .\n",
        "Dockerfile": "FROM python:3.12-slim\n",
        f"{folder}/pyvenv.cfg": cfg})
    [finding] = _findings(root, tmp_path)
    line = cfg.count("\n")
    assert _shown([finding], root) == [
        (f"{folder}/pyvenv.cfg", line, f"python 3.9.18 (the virtualenv {folder}/), elsewhere 3.12: Dockerfile:1")]
    assert finding.fix is not None and finding.fix.title == (
        f"recreate {folder}/ on Python 3.12 (`uv venv --python 3.12`, or `python3.12 -m venv {folder}`), "
        "then reinstall the project into it")
    (root / folder / "pyvenv.cfg").write_text(cfg.replace("3.9.18", "3.12.7"))
    assert _findings(root, tmp_path) == []


@pytest.mark.parametrize(("image", "expected"), [
    ("mcr.microsoft.com/devcontainers/python:3.12", ("python", "3.12")),  # saleor's .devcontainer
    ("mcr.microsoft.com/devcontainers/python:1-3.11-bookworm", ("python", "3.11")),  # the image's own 1- first
    ("mcr.microsoft.com/vscode/devcontainers/python:0-3.10", ("python", "3.10")),
    ("mcr.microsoft.com/devcontainers/javascript-node:1-20", None),  # another image: not judged
    ("mcr.microsoft.com/devcontainers/typescript-node:20", None),
    ("ghcr.io/someone/python:3.9", None),  # another owner's image named python: not python's pin
])
def test_dev_container_images_pin_their_python(image: str, expected: tuple[str, str] | None) -> None:
    found = runtimes.image_declared_at([(image, runtimes.Location(Path("Dockerfile"), 1))])
    assert [(d.runtime, d.versions[0]) for d in found] == ([expected] if expected else [])


@pytest.mark.parametrize(("image", "expected"), [
    ("tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim", "3.9"),  # awesome-compose's fastapi sample
    ("nikolaik/python-nodejs:python3.12-nodejs20", "3.12"),
    ("registry.local:5000/team/app:1.4-python3.11", "3.11"),  # the registry's port is no tag
    ("ghcr.io/astral-sh/uv:0.11.32-python3.12-trixie-slim", "3.12"),
    ("tiangolo/uvicorn-gunicorn-fastapi:latest", None),  # no Python in the tag: not judged
    ("team/pythonapp:3.1", None),
    ("team/app:mypython3.9", None),  # a word that only ends in it
])
def test_images_with_python_in_their_tag_pin_it(image: str, expected: str | None) -> None:
    """docker/awesome-compose's fastapi sample: `FROM tiangolo/uvicorn-gunicorn-fastapi:python3.9-slim`
    against `.python-version` 3.12 was ✓: the tag's Python was not read."""
    found = runtimes.image_declared_at([(image, runtimes.Location(Path("Dockerfile"), 1))])
    assert [(d.runtime, d.versions[0]) for d in found] == ([("python", expected)] if expected else [])


def test_a_devcontainer_image_against_the_repos_python_version(tmp_path: Path) -> None:
    """saleor: `FROM mcr.microsoft.com/devcontainers/python:3.12` was no pin, so a root
    `.python-version` 3.11 (pyproject: >=3.12,<3.13) drifted unseen."""
    write_tree(tmp_path, {
        ".python-version": "3.11\n",
        ".devcontainer/docker-compose.yml": "services:\n  saleor:\n    build:\n      context: ..\n"
                                            "      dockerfile: .devcontainer/Dockerfile\n",
        ".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:3.12\n",
    })
    found = _findings(tmp_path / ".devcontainer", tmp_path)
    assert [(f.location.path if f.location else None, f.message) for f in found] == [
        (tmp_path / ".python-version", "python 3.11 (.python-version 3.11) but service 'saleor' builds FROM "
                                       "mcr.microsoft.com/devcontainers/python:3.12 at Dockerfile:1")]


def test_one_dockerfile_built_with_args_written_twice_is_one_place(tmp_path: Path) -> None:
    # nickjj/docker-flask-example: web/worker (x-app) and css/js (x-assets) build one Dockerfile with the
    # same args written under two anchors; its FROM lines were compared (and reported) once per anchor
    args = '    args: ["APP_UID=1000"]\n'
    root = write_tree(tmp_path / "p", {
        "compose.yaml": ("x-app: &app\n  build:\n    context: .\n    target: app\n" + args
                         + "x-assets: &assets\n  build:\n    context: .\n    target: assets\n" + args
                         + "services:\n  web: *app\n  worker: *app\n  js: *assets\n"),
        "Dockerfile": ("FROM node:24-slim AS assets\nFROM python:3.14.5-slim AS app-build\n"
                       "FROM python:3.12.5-slim AS app\nCOPY --from=app-build /app /app\n"),
        "pyproject.toml": '[project]\nname = "hello"\nversion = "1"\nrequires-python = ">=3.13"\n',
    })
    shown = _shown(_findings(root, tmp_path), root)
    assert shown == [("Dockerfile", 3, "python 3.12.5 (FROM python:3.12.5-slim), outside requires-python >=3.13 "
                               "(pyproject.toml:4), elsewhere 3.14.5: Dockerfile:2")]


def test_a_stage_the_built_target_neither_descends_from_nor_copies_from_is_no_place_of_its(tmp_path: Path) -> None:
    """seanmorley15/AdventureLog's docker/Dockerfile: `web` builds target frontend-build (node), `server` target
    backend (python:3.13-slim, with a builder stage it copies from); .python-version 3.12.7 was `services 'server',
    'web' build FROM python:3.13-slim`: every FROM of the file counted as one of each target's image."""
    from doctor.checks.runtime_drift.images import _used_stages

    from doctor.project.recipe import read_recipe

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM node:22-slim AS frontend-build\nFROM python:3.13-slim AS backend-builder\n"
                          "FROM python:3.13-slim AS backend-runtime\nCOPY --from=backend-builder /venv /venv\n"
                          "FROM backend-runtime AS backend\n")
    assert _used_stages(read_recipe(dockerfile, "frontend-build")).froms == (("node:22-slim", 1),)
    assert _used_stages(read_recipe(dockerfile, "backend")).froms == (("python:3.13-slim", 2), ("python:3.13-slim", 3))
    assert _used_stages(read_recipe(dockerfile)).froms == (("python:3.13-slim", 2), ("python:3.13-slim", 3))


def test_a_declared_range_is_not_outvoted_by_pins_it_excludes(tmp_path: Path) -> None:
    # hoppscotch: desktop build jobs pin node 20, the test job 22, and the packages declare engines >=22;
    # the advice was "change node 22 to 20 in tests.yml", a version the engines exclude
    steps = "    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-version: {v}\n"
    jobs = "".join(f"  build{i}:\n    runs-on: ubuntu-latest\n" + steps.format(v=20) for i in range(3))
    root = write_tree(tmp_path / "p", {
        "compose.yaml": "services:\n  web:\n    image: busybox\n",
        "package.json": '{"name": "app", "engines": {"node": ">=22"}}\n',
        ".github/workflows/build.yml": "on: push\njobs:\n" + jobs,
        ".github/workflows/tests.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n" + steps.format(v=22),
    })
    shown = _shown(_findings(root, tmp_path), root)
    assert shown and all(path == ".github/workflows/build.yml" for path, _, _ in shown), shown
    assert all("node 20" in message and "elsewhere 22" in message for _, _, message in shown), shown


# paperless-ngx/paperless-ngx .github/workflows: ci-lint.yml runs prek on one Python, ci-backend.yml
# tests a matrix; pyproject.toml says requires-python = ">=3.11"
PAPERLESS_CI = {
    "compose.yaml": "services:\n  webserver:\n    build: .\n",
    "pyproject.toml": '[project]\nname = "paperless-ngx"\nrequires-python = ">=3.11"\n',
    ".github/workflows/ci-lint.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-slim\n    steps:\n"
    "      - uses: actions/setup-python@v6\n        with:\n          python-version: \"{lint}\"\n",
    ".github/workflows/ci-backend.yml": "on: push\njobs:\n  tests:\n    runs-on: ubuntu-24.04\n    strategy:\n"
    "      matrix:\n        python-version: ['3.11', '3.12', '3.13', '3.14']\n    steps:\n"
    "      - uses: actions/setup-python@v6\n        with:\n"
    "          python-version: \"${{ matrix.python-version }}\"\n",
}


@pytest.mark.parametrize(("lint", "image", "expected"), [
    ("3.14", "python:3.11-slim", []),
    # the planted drift still shows: the container runs 3.12, the developer's file says 3.11
    ("3.14", "python:3.12-slim", [(".python-version", 1, "python 3.11 (.python-version 3.11), elsewhere 3.12: "
                                   "Dockerfile:1")]),
    # a job pin no matrix tests is still a voice of its own
    ("3.9", "python:3.11-slim", [(".github/workflows/ci-lint.yml", 8, "python 3.9 (CI python-version: 3.9), "
                                  "outside requires-python >=3.11 (pyproject.toml:3), "
                                  "elsewhere 3.11: .python-version:1, Dockerfile:1")]),
], ids=["lint-job-inside-the-matrix", "image-drifts", "lint-job-outside-the-matrix"])
def test_a_ci_job_pin_the_matrix_tests_is_no_drift(tmp_path: Path, lint: str, image: str,
                                                     expected: list[tuple[str, int, str]]) -> None:
    files = {name: text.replace("{lint}", lint) for name, text in PAPERLESS_CI.items()}
    root = write_tree(tmp_path / "p", {**files, ".python-version": "3.11\n", "Dockerfile": f"FROM {image}\n"})
    assert _shown(_findings(root, tmp_path), root) == expected


@pytest.mark.parametrize(("pin", "expected"), [
    ("3.12", []),
    ("3.11", [(".python-version", 1, "python 3.11 (.python-version 3.11), elsewhere 3.12: Dockerfile:4")]),
], ids=["agrees", "drifts"])
def test_astral_uv_images_pin_their_python(tmp_path: Path, pin: str, expected: list[tuple[str, int, str]]) -> None:
    """paperless-ngx/paperless-ngx Dockerfile: a frontend stage on node, the app on astral's uv image."""
    root = write_tree(tmp_path / "p", {
        "compose.yaml": "services:\n  webserver:\n    build: .\n",
        "Dockerfile": "FROM --platform=$BUILDPLATFORM docker.io/node:24-trixie-slim AS compile-frontend\n"
        "COPY ./src-ui /src/src-ui\n\n"
        "FROM ghcr.io/astral-sh/uv:0.11.32-python3.12-trixie-slim AS s6-overlay-base\n"
        "FROM s6-overlay-base AS main-app\n",
        ".python-version": f"{pin}\n"})
    assert _shown(_findings(root, tmp_path), root) == expected


@pytest.mark.parametrize(("steps", "expected"), [
    ("      - uses: actions/checkout@v4\n      - run: git push\n", []),
    ("      - uses: actions/setup-node@v4\n        with:\n          node-version: ${{ matrix.node-version }}\n",
     # engines `>=22 <23` admits node 22 alone: it says 22 too and is named (it was left out)
     [(".github/workflows/deploy.yml", 8, "node 20.13 (CI node-version: 20.13), elsewhere 22: "
       "package.json:1 (engines.node >=22 <23), Dockerfile:1")]),
], ids=["matrix-value-no-step-uses", "matrix-value-setup-node-uses"])
def test_a_matrix_version_counts_where_a_step_uses_it(tmp_path: Path, steps: str,
                                                       expected: list[tuple[str, int, str]]) -> None:
    """vintasoftware/django-react-boilerplate's deploy.yml: `matrix: {node-version: [20.13]}` in a
    job that only runs git: no node runs at 20.13, yet it was drift against node 22 (and, on the
    raw template, advice to widen engines.node to allow it)."""
    root = write_tree(tmp_path / "p", {
        "compose.yaml": "services:\n  web:\n    build: .\n", "Dockerfile": "FROM node:22-alpine\n",
        "package.json": '{"engines": {"node": ">=22 <23"}}\n',
        ".github/workflows/deploy.yml": "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
        "    strategy:\n      matrix:\n        node-version: [20.13]\n    steps:\n" + steps})
    assert _shown(_findings(root, tmp_path), root) == expected


@pytest.mark.parametrize(("matrix", "expected"), [
    ('        python: ["3.10"]\n',
     [(".github/workflows/ci.yml", 8, "python 3.10 (CI matrix python: 3.10), elsewhere 3.12: Dockerfile:1")]),
    ('        include:\n          - py: "3.9"\n',
     [(".github/workflows/ci.yml", 9, "python 3.9 (CI matrix py: 3.9), elsewhere 3.12: Dockerfile:1")]),
    ('        python: ["3.11", "3.12"]\n', []),  # the matrix tests the image's version too
], ids=["list", "include", "tests-the-images"])
def test_a_matrix_key_of_another_name_counts_where_setup_python_uses_it(
        tmp_path: Path, matrix: str, expected: list[tuple[str, int, str]]) -> None:
    """A workflow's `matrix: {python: ["3.10"]}` and `python-version: ${{ matrix.python }}` (the
    key is not literally `python-version`): the CI's 3.10 went unseen against the image's 3.12."""
    key = "py" if "include" in matrix else "python"
    root = write_tree(tmp_path / "p", {
        "compose.yaml": "services:\n  web:\n    build: .\n", "Dockerfile": "FROM python:3.12-slim\n",
        ".github/workflows/ci.yml": "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    strategy:\n      matrix:\n" + matrix + "    steps:\n      - uses: actions/setup-python@v5\n"
        "        with:\n          python-version: ${{ matrix." + key + " }}\n"})
    assert _shown(_findings(root, tmp_path), root) == expected


def test_a_matrix_of_build_args_the_ci_tests_excuses_a_jobs_single_pin(tmp_path: Path) -> None:
    """mathesar: the test job's `py-version: [3.10-bookworm, ..., 3.14-bookworm]` feeds the image's PYTHON_VERSION
    build arg (a step's env), so CI tests 3.13 too; the release job's setup-python 3.13 is no drift against the
    Dockerfile's 3.14."""
    root = write_tree(tmp_path / "p", {
        "compose.yaml": "services:\n  web:\n    build: .\n", "Dockerfile": "FROM python:3.14-bookworm\n",
        ".github/workflows/test.yml": "name: test\non: push\njobs:\n  tests:\n    runs-on: ubuntu-latest\n"
        "    strategy:\n      matrix:\n        py-version: [3.12-bookworm, 3.13-bookworm, 3.14-bookworm]\n"
        "    steps:\n      - run: docker compose build\n        env:\n"
        "          PYTHON_VERSION: ${{ matrix.py-version }}\n"
        "  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n"
        "        with:\n          python-version: '3.13'\n"})
    assert _shown(_findings(root, tmp_path), root) == []


def test_a_changed_from_names_a_debian_release_the_version_has_images_on(tmp_path: Path) -> None:
    """testdrivenio/django-on-docker's `FROM python:3.11.4-slim-buster` beside a .python-version of 3.12:
    'change python 3.11.4 to 3.12' done literally gives `python:3.12-slim-buster`, never published."""
    root = tmp_path / "p"
    (root / "app").mkdir(parents=True)
    (root / "compose.yaml").write_text("services:\n  web:\n    build: ./app\n")
    (root / "app" / "Dockerfile").write_text("# pull official base image\nFROM python:3.11.4-slim-buster\n")
    (root / ".python-version").write_text("3.12\n")
    (finding,) = _findings(root, tmp_path / "home")
    assert finding.fix is not None and finding.fix.title == (
        "change python 3.11.4 to 3.12 in app/Dockerfile:2 (no python:3.12 image was published on buster: take "
        "python:3.12-slim-bookworm)")
    (root / "app" / "Dockerfile").write_text("FROM python:3.11-slim-bookworm\n")
    (finding,) = _findings(root, tmp_path / "home")
    assert finding.fix is not None and finding.fix.title == "change python 3.11 to 3.12 in app/Dockerfile:1"


def test_the_circleci_jobs_images_are_a_voice_of_ci(tmp_path: Path) -> None:
    """openfun/joanie: .circleci/config.yml runs six jobs on `cimg/python:3.10`, its Dockerfile FROM python:3.10;
    a developer's .python-version 3.12 made the advice `change python 3.10 to 3.12 in Dockerfile:4` (a tie, the
    newest won), CircleCI not read."""
    jobs = "".join(f"  job{i}:\n    docker:\n      - image: cimg/python:3.10\n" for i in range(3))
    root = write_tree(tmp_path / "p", {
        "compose.yaml": "services:\n  app:\n    build: .\n",
        "Dockerfile": "FROM python:3.10-slim\n",
        ".python-version": "3.12\n",
        ".circleci/config.yml": ("version: 2.1\njobs:\n" + jobs
                                 + "  lint:\n    docker:\n      - image: \"node:18.17\"\n"),
    })
    shown = _shown(_findings(root, tmp_path), root)
    assert shown == [(".python-version", 1, "python 3.12 (.python-version 3.12), elsewhere 3.10: Dockerfile:1, "
                                            ".circleci/config.yml:5, .circleci/config.yml:8 and 1 more")], shown
