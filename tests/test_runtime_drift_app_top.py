"""runtime-drift for compose files in a side folder of the app's checkout: documenso (tests/replay/documenso).

documenso's dev stack is docker/development/compose.yml (postgres, inbucket, redis, minio, a gotenberg
built from its own folder); the app runs on the host from the checkout's top with `npm run dev`. With an
`.nvmrc` of 20 planted at the top, whose package.json says `engines.node >=22.0.0`, whose released
docker/Dockerfile is `FROM node:22-alpine3.22` and whose CI sets up `v22.x`, `doctor preflight
docker/development` said nothing: the check read the version files of the compose folder and of its builds'
folders, not the checkout's top. Now, where the compose folder is a side folder of the checkout (docker/,
.devcontainer/, deploy/...) or builds nothing from outside itself, holds no manifest of its own, and the
top holds the app, the top's version files, manifests, CI, release Dockerfiles and virtualenv are the
project's, each reported at its own file:line.

Each test copies the replay into a git checkout of its own; no tool of the project runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from test_runtime_drift_called_workflow import CHECK, checkout, drift_shown, findings
from trees import write_tree

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "documenso"
DEV = Path("docker") / "development"
PLANTED = ("node 20 (.nvmrc 20), outside engines.node >=22.0.0 (package.json:47), elsewhere 22: "
           "docker/Dockerfile:4, .github/actions/node-install/action.yml:5")


def _checkout(tmp_path: Path) -> Path:
    return checkout(tmp_path, REPLAY, "documenso")


def _from_top(top: Path, home: Path) -> list[Finding]:
    """`doctor preflight docker/development` run at the checkout's top, as documenso's README has it."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=top / DEV, env=env, cwd=top), select=(CHECK,), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == CHECK]


def test_the_checkout_as_fetched_is_no_finding(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    assert findings(top / DEV, tmp_path) == []


def test_an_nvmrc_at_the_top_apart_from_engines_ci_and_the_released_image(tmp_path: Path) -> None:
    top = _checkout(tmp_path)
    (top / ".nvmrc").write_text("20\n")
    found = _from_top(top, tmp_path)
    assert drift_shown(found, top) == [(".nvmrc", 1, PLANTED)]
    assert found[0].fix is not None and found[0].fix.title == "change node 20 to 22 in .nvmrc:1"


def test_the_top_s_ci_against_its_nvmrc(tmp_path: Path) -> None:
    """The composite action's default, read from the top's CI, is the place apart from .nvmrc and the image."""
    top = _checkout(tmp_path)
    (top / ".nvmrc").write_text("22\n")
    action = top / ".github" / "actions" / "node-install" / "action.yml"
    action.write_text(action.read_text().replace("default: v22.x", "default: v20.x"))
    assert [(path, line) for path, line, _ in drift_shown(_from_top(top, tmp_path), top)] == [
        (".github/actions/node-install/action.yml", 5)]


def test_a_build_from_the_top_is_reported_once(tmp_path: Path) -> None:
    """A side folder building the app from the top: the top's .nvmrc is one place, named once."""
    top = _checkout(tmp_path)
    (top / ".nvmrc").write_text("20\n")
    compose = top / DEV / "compose.yml"
    compose.write_text(compose.read_text().replace(
        "services:\n", "services:\n  app:\n    build:\n      context: ../..\n      dockerfile: docker/Dockerfile\n", 1))
    shown = drift_shown(_from_top(top, tmp_path), top)
    assert [(path, line) for path, line, _ in shown] == [(".nvmrc", 1)]


def test_outside_git_the_top_is_not_known(tmp_path: Path) -> None:
    top = tmp_path / "documenso"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    (top / ".nvmrc").write_text("20\n")
    assert findings(top / DEV, tmp_path) == []


def _monorepo(tmp_path: Path, package: str, own: dict[str, str]) -> Path:
    import subprocess

    top = write_tree(tmp_path / "mono", {
        ".nvmrc": "18\n", "package.json": '{"name": "tools", "engines": {"node": ">=18"}}\n',
        f"{package}/compose.yaml": "services:\n  web:\n    build: .\n  db:\n    image: postgres:16\n",
        f"{package}/Dockerfile": "FROM node:22-alpine\n", **{f"{package}/{k}": v for k, v in own.items()}})
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def test_a_monorepo_package_with_its_own_manifest_is_not_the_top_s(tmp_path: Path) -> None:
    """apps/web holds its own package.json: the top's node 18 tooling is not its version (polyglot or not)."""
    top = _monorepo(tmp_path, "apps/web", {"package.json": '{"name": "web", "engines": {"node": ">=22"}}\n'})
    assert findings(top / "apps" / "web", tmp_path) == []


def test_a_folder_that_is_neither_a_side_folder_nor_self_contained_is_not_the_top_s(tmp_path: Path) -> None:
    """examples/demo builds the app from its own subfolder and ../lib: not a side folder, not self-contained."""
    top = _monorepo(tmp_path, "examples/demo", {})
    compose = top / "examples" / "demo" / "compose.yaml"
    compose.write_text(compose.read_text().replace("build: .", "build: ../lib"))
    write_tree(top / "examples" / "lib", {"Dockerfile": "FROM node:22-alpine\n"})
    assert findings(top / "examples" / "demo", tmp_path) == []


def test_a_side_folder_without_a_manifest_reads_the_top(tmp_path: Path) -> None:
    """The same image in docker/ is the top's app: the top's .nvmrc 18 against its node 22 (a tie: the newest)."""
    top = _monorepo(tmp_path, "docker", {})
    assert drift_shown(findings(top / "docker", tmp_path), top) == [
        (".nvmrc", 1, "node 18 (.nvmrc 18), elsewhere 22: Dockerfile:1")]


def test_python_at_the_top_of_a_databases_only_dev_folder(tmp_path: Path) -> None:
    """The mission's fault on Python: deploy/dev runs postgres alone; the app's .python-version, its
    virtualenv, pyproject and CI are at the top, and the two local ones are apart from the rest."""
    import subprocess

    ci = ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
          "      - uses: actions/setup-python@v5\n        with:\n          python-version: \"3.12\"\n"
          "      - run: pip install -e . && pytest\n")
    top = write_tree(tmp_path / "app", {
        "deploy/dev/compose.yaml": "services:\n  db:\n    image: postgres:16\n",
        ".python-version": "3.11\n", ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.11.9\n",
        "pyproject.toml": '[project]\nname = "app"\nrequires-python = ">=3.12"\n',
        "Dockerfile": "FROM python:3.12-slim\n", ".github/workflows/ci.yml": ci})
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    shown = drift_shown(findings(top / "deploy" / "dev", tmp_path), top)
    assert [(path, line) for path, line, _ in shown] == [(".python-version", 1), (".venv/pyvenv.cfg", 2)]
    assert shown[0][2].startswith("python 3.11 (.python-version 3.11), outside requires-python >=3.12 (")


def test_a_compose_folder_reached_through_a_link_reads_the_checkout_s_top(tmp_path: Path) -> None:
    """`doctor preflight ~/dev-db`, a link to docker/development: the top is the checkout's, not the link's parents."""
    top = _checkout(tmp_path / "src")
    (top / ".nvmrc").write_text("20\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / ".nvmrc").write_text("22\n")  # beside the link: no file of the project
    link = tmp_path / "elsewhere" / "dev-db"
    link.symlink_to(top / DEV, target_is_directory=True)
    found = findings(link, tmp_path)
    assert [(f.location.path.resolve(), f.location.line) for f in found if f.location is not None] == [
        ((top / ".nvmrc").resolve(), 1)]


def test_a_finding_above_the_compose_folder_has_the_same_subject_in_every_clone(tmp_path: Path) -> None:
    """The top's `.nvmrc` is `node:../../.nvmrc` from docker/development, not its absolute path: a finding's
    fingerprint (a baseline's key) was the clone's folder's, different in every clone and worktree (a sweep's
    find on uptime-kuma's docker/ and healthchecks' docker/)."""
    subjects = []
    for clone in ("one", "two"):
        top = _checkout(tmp_path / clone)
        (top / ".nvmrc").write_text("20\n")
        found = _from_top(top, tmp_path / clone)
        assert [f.subject for f in found] == ["node:../../.nvmrc"]
        subjects.append(found[0].fingerprint)
    assert subjects[0] == subjects[1]
