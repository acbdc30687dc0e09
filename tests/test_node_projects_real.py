"""Node projects a new user tried doctor on (audit of issue "Node/Ruby/mixed real projects").

- hoppscotch/hoppscotch (MIT, afc2cf181): every package.json script runs `pnpm -r ...`; with pnpm
  only in the login shell's PATH (Homebrew), path-gap named `package.json:1` and "(package.json)"
  (the package manager the file implies) instead of the script that runs it, line 5, `dev`.
- excalidraw/excalidraw (MIT, 4872083c04): `FROM --platform=${BUILDPLATFORM} node:24@sha256:...`
  against CI's node 20.x; the advice "change node 24 to 20 in Dockerfile:1" left the digest, which
  docker pulls whatever the tag says: followed, the image stays node 24 and doctor goes quiet.
- umami-software/umami (MIT, c0ea3aefb): podman/ holds podman-compose.yml and `env.sample` ("Rename
  this file to .env"): doctor knew `env.example` but not `env.sample`, so six unset variables came
  with no "copy env.sample to .env" fix.

Each test builds a small copy of the upstream layout (the lines the rule reads, unchanged).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from doctor.checks.path_gap import PathGap
from trees import write_tree

from doctor.engine import RunOptions, load_registry, preflight
from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

BASH = "/bin/bash"

# hoppscotch's package.json, its first lines as upstream writes them
HOPPSCOTCH_PACKAGE = """{
  "name": "hoppscotch-app",
  "version": "4.0.0",
  "scripts": {
    "preinstall": "npx only-allow pnpm",
    "prepare": "husky",
    "dev": "pnpm -r do-dev",
    "generate": "pnpm -r do-build-prod",
    "lint": "pnpm -r do-lint"
  },
  "packageManager": "pnpm@10.33.4",
  "devDependencies": {
    "husky": "9.1.7"
  }
}
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return write_tree(root, files)


def _findings(root: Path, check: str, files: tuple[str, ...] = ()) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent / "home"), "DOCTOR_NO_CACHE": "1"}
    project = ProjectOptions(path=root, files=tuple(root / f for f in files), env=env)
    options = RunOptions(project=project, select=(check,), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == check]


def test_a_package_manager_only_the_login_shell_finds_is_named_at_the_script_that_runs_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "brew" / "bin").mkdir(parents=True)
    pnpm = home / "brew" / "bin" / "pnpm"
    pnpm.write_text("#!/bin/sh\necho 10.33.4\n")
    pnpm.chmod(0o755)
    (home / ".profile").write_text('PATH="$HOME/brew/bin:/usr/bin:/bin"\nexport PATH\n')
    project = _write(tmp_path / "hoppscotch", {
        "docker-compose.yml": "services:\n  hoppscotch-db:\n    image: postgres:15\n",
        "package.json": HOPPSCOTCH_PACKAGE, "pnpm-lock.yaml": "lockfileVersion: '9.0'\n"})
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": BASH, "TERM": "xterm", "SHLVL": "1"}
    host = Host(env=env)
    host.parent_program = ""
    findings = list(PathGap().run(Project(ProjectOptions(path=project, env=env)), host))
    assert [(f.message, f.location.line if f.location else None) for f in findings] == [
        ("'pnpm' (npm script 'dev') is found only by the login shell, in ~/brew/bin", 7)]


def test_the_package_manager_a_package_json_only_declares_is_named_at_its_packagemanager_line(
        tmp_path: Path) -> None:
    from doctor.project.tasks import read_commands

    text = HOPPSCOTCH_PACKAGE.replace('"dev": "pnpm -r do-dev",\n    "generate": "pnpm -r do-build-prod",\n    '
                                      '"lint": "pnpm -r do-lint"', '"start": "http-server dist -p 3000"')
    project = _write(tmp_path / "app", {"package.json": text})
    implied = [c for c in read_commands(project) if c.tool == "pnpm"]
    assert [(c.origin, c.location.line) for c in implied] == [("package.json 'packageManager'", 9)]


EXCALIDRAW_DOCKERFILE = (
    "FROM --platform=${BUILDPLATFORM} node:24@sha256:8530f76a96d88820d288761f022e318970dda93d01536919fbc16076b7983e63"
    " AS build\n\nWORKDIR /opt/node_app\n\nCOPY . .\n\nRUN yarn --frozen-lockfile\n\n"
    "FROM nginx:stable-alpine-slim\n\nCOPY --from=build /opt/node_app/excalidraw-app/build /usr/share/nginx/html\n")
EXCALIDRAW_LINT = ("name: Lint\n\non: pull_request\n\njobs:\n  lint:\n    runs-on: ubuntu-latest\n\n    steps:\n"
                   "      - uses: actions/checkout@v4\n\n      - name: Setup Node.js\n"
                   "        uses: actions/setup-node@v4\n        with:\n          node-version: 20.x\n\n"
                   "      - name: Install and lint\n        run: |\n          yarn install\n          yarn test:code\n")


def test_a_digest_pinned_from_is_advised_to_change_its_digest_with_its_tag(tmp_path: Path) -> None:
    project = _write(tmp_path / "excalidraw", {
        "docker-compose.yml": ("services:\n  excalidraw:\n    build:\n      context: .\n      args:\n"
                               "        - NODE_ENV=development\n    ports:\n      - \"3000:80\"\n"),
        "Dockerfile": EXCALIDRAW_DOCKERFILE,
        # lint.yml's setup-node, as test.yml and size-limit.yml write it too (seven workflows upstream)
        **{f".github/workflows/{name}.yml": EXCALIDRAW_LINT for name in ("lint", "test", "size-limit")},
        "package.json": '{\n  "name": "excalidraw-monorepo",\n  "engines": {\n    "node": ">=18.0.0"\n  }\n}\n'})
    (finding,) = _findings(project, "runtime-drift")
    assert finding.location is not None and finding.location.path.name == "Dockerfile"
    assert finding.fix is not None
    # the tag alone changed, docker still pulls node 24 by the digest and doctor then sees node 20
    assert finding.fix.title == (
        "change node 24 to 20 in Dockerfile:1 (its @sha256:8530f76a96d8 pins node 24 whatever the tag says: "
        "re-pin node:20's digest, or drop it)")


def test_a_digest_pinned_from_the_majority_answers_to_keeps_its_advice_plain(tmp_path: Path) -> None:
    # the FROM is right and CI's pin is the one to change: no digest to speak of in that advice
    project = _write(tmp_path / "excalidraw", {
        "docker-compose.yml": "services:\n  excalidraw:\n    build:\n      context: .\n",
        "Dockerfile": EXCALIDRAW_DOCKERFILE, ".nvmrc": "24\n",
        ".github/workflows/lint.yml": EXCALIDRAW_LINT,
        "package.json": '{\n  "name": "excalidraw-monorepo",\n  "engines": {\n    "node": ">=24.0.0"\n  }\n}\n'})
    (finding,) = _findings(project, "runtime-drift")
    assert finding.fix is not None and "digest" not in finding.fix.title


UMAMI_PODMAN = """version: "3.8"

services:
  umami:
    container_name: umami
    image: ghcr.io/umami-software/umami:postgresql-latest
    ports:
      - "127.0.0.1:3000:3000"
    environment:
      DATABASE_URL: ${DATABASE_URL}
      DATABASE_TYPE: ${DATABASE_TYPE}
      APP_SECRET: ${APP_SECRET}
    depends_on:
      db:
        condition: service_healthy
  db:
    container_name: umami-db
    image: docker.io/library/postgres:15-alpine
    environment:
      POSTGRES_DB: ${POSTGRES_DB}
      POSTGRES_USER: ${POSTGRES_USER}
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
"""
UMAMI_ENV_SAMPLE = """# Rename this file to .env and modify the values
#
# Connection string for Umami's database.
# If you use the bundled DB container, "db" is the hostname.
DATABASE_URL=postgresql://umami:replace-me-with-a-random-string@db:5432/umami

# Database type (e.g. postgresql)
DATABASE_TYPE=postgresql

# A secret string used by Umami (replace with a strong random string)
APP_SECRET=replace-me-with-a-random-string

# Postgres container defaults.
POSTGRES_DB=umami
POSTGRES_USER=umami
POSTGRES_PASSWORD=replace-me-with-a-random-string
"""


def test_an_env_sample_beside_the_compose_file_is_the_env_template(tmp_path: Path) -> None:
    project = _write(tmp_path / "umami", {"podman/podman-compose.yml": UMAMI_PODMAN,
                                          "podman/env.sample": UMAMI_ENV_SAMPLE})
    findings = _findings(project / "podman", "env-drift", ("podman-compose.yml",))
    fixes = [f.fix.title for f in findings if f.fix is not None and f.fix.edits]
    assert fixes == ["copy env.sample to .env"]
    assert all(f.message.endswith("env.sample sets it, and there is no .env") for f in findings
               if f.message.startswith("'"))
