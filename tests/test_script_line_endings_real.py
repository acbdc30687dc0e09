"""script-line-endings on the shapes a tester met in real projects.

Each test builds a small git checkout: a `.dockerignore` that keeps a script out of the build
context, `#!/bin/bash` on the official python/node alpine images, a script only a builder stage
runs, a script without a suffix run by its bare name from PATH, and the `.gitattributes` rule
appended to a file without a final newline.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import Registry, RunOptions, load_registry, preflight
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.model import Finding
from doctor.project import ProjectOptions

CHECK = "script-line-endings"
CRLF = b"#!/bin/sh\r\nset -e\r\nexec \"$@\"\r\n"


def project(root: Path, files: dict[str, str | bytes]) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def errors(root: Path) -> list[tuple[str, str]]:
    """(file, message) of the check's findings with a line: the scripts, not the .gitattributes advice."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env), select=(CHECK,), env=env)
    found: list[Finding] = [f for f in preflight(options, load_registry()).report.findings if f.check == CHECK]
    return sorted((f.location.path.relative_to(root).as_posix(), f.message) for f in found
                  if f.location is not None and f.location.line is not None)


BUILT = "services:\n  app:\n    build: .\n"
COPY_ALL = "FROM alpine\nCOPY . /app\n"


# -- 1. .dockerignore keeps files out of the build context -------------------------------------------

@pytest.mark.parametrize("ignore", ["tools\n", "tools/\n", "/tools\n", "**/win-setup.sh\n", "tools/*.sh\n",
                                    "*/win-setup.sh\n", "# scripts for Windows\ntools\n", "**/tools\n", "tools/**\n"])
def test_a_script_the_dockerignore_keeps_out_reaches_no_image(tmp_path: Path, ignore: str) -> None:
    root = project(tmp_path, {".dockerignore": ignore, "tools/win-setup.sh": CRLF, "Dockerfile": COPY_ALL,
                              "compose.yaml": BUILT})
    assert errors(root) == []


def test_without_the_dockerignore_rule_the_script_reaches_the_image(tmp_path: Path) -> None:
    root = project(tmp_path, {".dockerignore": "node_modules\n*.md\n", "tools/win-setup.sh": CRLF,
                              "Dockerfile": COPY_ALL, "compose.yaml": BUILT})
    assert errors(root) == [("tools/win-setup.sh", "has CRLF line endings and reaches 'app' (COPY, Dockerfile:2)")]


@pytest.mark.parametrize(("ignore", "kept"), [
    ("tools\n!tools/keep.sh\n", ["tools/keep.sh"]),  # docker matches each rule against the folders above too
    ("tools\n!tools/keep.sh\ntools/keep.sh\n", []),  # the last rule that matches decides
    ("**/*.sh\n!tools/**\n", ["tools/keep.sh", "tools/win-setup.sh"]),
    ("tools\n!*.sh\n", []),  # `*.sh` matches only at the top: tools/ stays out
    ("*\n!tools\n", ["tools/keep.sh", "tools/win-setup.sh"]),
])
def test_dockerignore_exceptions_are_read_as_docker_reads_them(tmp_path: Path, ignore: str, kept: list[str]) -> None:
    root = project(tmp_path, {".dockerignore": ignore, "tools/win-setup.sh": CRLF, "tools/keep.sh": CRLF,
                              "Dockerfile": COPY_ALL, "compose.yaml": BUILT})
    assert [path for path, _ in errors(root)] == sorted(kept)


@pytest.mark.parametrize(("specific", "found"), [("tools\n", False), ("node_modules\n", True)])
def test_the_dockerfiles_own_dockerignore_wins(tmp_path: Path, specific: str, found: bool) -> None:
    root = project(tmp_path, {".dockerignore": "node_modules\n" if not found else "tools\n",
                              "docker/app.Dockerfile.dockerignore": specific, "tools/win-setup.sh": CRLF,
                              "docker/app.Dockerfile": COPY_ALL, "compose.yaml":
                              "services:\n  app:\n    build: {context: ., dockerfile: docker/app.Dockerfile}\n"})
    assert bool(errors(root)) is found


def test_an_ignored_script_named_by_the_entrypoint_is_not_in_the_image(tmp_path: Path) -> None:
    root = project(tmp_path, {".dockerignore": "tools\n", "tools/win-setup.sh": CRLF,
                              "Dockerfile": COPY_ALL + 'ENTRYPOINT ["/app/tools/win-setup.sh"]\n',
                              "compose.yaml": BUILT})
    assert errors(root) == []


def test_a_bind_mount_brings_what_the_dockerignore_keeps_out_of_the_image(tmp_path: Path) -> None:
    root = project(tmp_path, {".dockerignore": "tools\n", "tools/win-setup.sh": CRLF, "Dockerfile": COPY_ALL,
                              "compose.yaml": BUILT + "    volumes: ['./tools:/tools']\n"})
    assert errors(root) == [("tools/win-setup.sh",
                             "has CRLF line endings and reaches 'app' (bind mount, compose.yaml:4)")]


# -- 2. bash on the official python and node alpine images --------------------------------------------

BASH = b"#!/bin/bash\nexec \"$@\"\n"


@pytest.mark.parametrize(("base", "found"), [
    ("python:3.12-alpine", True), ("python:3.12-alpine3.20", True), ("python:alpine", True),
    ("docker.io/library/python:3.12-alpine", True), ("library/node:20-alpine", True), ("node:lts-alpine", True),
    ("node:22-alpine3.21", True), ("python:3.12-alpine@sha256:" + "0" * 64, True),
    ("python:3.12-slim", False), ("node:20", False), ("postgres:16-alpine", False),  # postgres ships bash
    ("example/python:3.12-alpine", False), ("ghcr.io/example/node:20-alpine", False),  # not the official image
])
def test_bash_on_the_official_python_and_node_alpine_images(tmp_path: Path, base: str, found: bool) -> None:
    root = project(tmp_path, {"entrypoint.sh": BASH, "compose.yaml": BUILT,
                              "Dockerfile": f"FROM {base}\nCOPY entrypoint.sh /entrypoint.sh\n"
                                            "ENTRYPOINT [\"/entrypoint.sh\"]\n"})
    expected = [("entrypoint.sh", f"shebang needs bash, which image '{base}' lacks; it reaches 'app' (ENTRYPOINT)")]
    assert errors(root) == (expected if found else [])


def test_a_run_that_installs_bash_clears_the_alpine_image(tmp_path: Path) -> None:
    root = project(tmp_path, {"entrypoint.sh": BASH, "compose.yaml": BUILT,
                              "Dockerfile": "FROM node:20-alpine\nRUN apk add --no-cache bash\n"
                                            "COPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n"})
    assert errors(root) == []


# -- 3. a script only a builder stage runs ----------------------------------------------------------

BUILDER = ("FROM python:3.12-slim AS build\nCOPY scripts/build.sh /build.sh\nRUN /build.sh\n"
           "FROM python:3.12-slim\nCOPY --from=build /out /out\n")


def test_a_script_a_builder_stage_runs_breaks_the_build(tmp_path: Path) -> None:
    root = project(tmp_path, {"scripts/build.sh": CRLF, "Dockerfile": BUILDER, "compose.yaml": BUILT})
    where = "breaks the build of 'app' (RUN in stage 'build', Dockerfile:3)"
    assert errors(root) == [("scripts/build.sh", f"has CRLF line endings and {where}")]


@pytest.mark.parametrize("dockerfile", [
    # copied, never run
    "FROM python:3.12-slim AS build\nCOPY scripts/build.sh /build.sh\nRUN make\n"
    "FROM python:3.12-slim\nCOPY --from=build /out /out\n",
    # named, not run
    "FROM python:3.12-slim AS build\nCOPY scripts/build.sh /build.sh\nRUN chmod +x /build.sh && make\n"
    "FROM python:3.12-slim\nCOPY --from=build /out /out\n",
    # run before it is copied
    "FROM python:3.12-slim AS build\nRUN /build.sh || true\nCOPY scripts/build.sh /build.sh\n"
    "FROM python:3.12-slim\nCOPY --from=build /out /out\n",
    # its CRs stripped first
    "FROM python:3.12-slim AS build\nCOPY scripts/build.sh /build.sh\nRUN sed -i 's/\\r$//' /build.sh && /build.sh\n"
    "FROM python:3.12-slim\nCOPY --from=build /out /out\n",
    # a stage the built one never copies from
    "FROM python:3.12-slim AS unused\nCOPY scripts/build.sh /build.sh\nRUN /build.sh\n"
    "FROM python:3.12-slim\nCOPY app.py /app.py\n",
])
def test_a_builder_stage_that_does_not_run_the_script_is_quiet(tmp_path: Path, dockerfile: str) -> None:
    root = project(tmp_path, {"scripts/build.sh": CRLF, "app.py": "", "Dockerfile": dockerfile, "compose.yaml": BUILT})
    assert errors(root) == []


def test_a_script_run_from_a_copied_folder_in_the_stage_the_builder_copies_from(tmp_path: Path) -> None:
    dockerfile = ("FROM node:20-alpine AS deps\nWORKDIR /src\nCOPY . .\nRUN ./scripts/build.sh\n"
                  "FROM deps AS assets\nRUN npm run build\n"
                  "FROM python:3.12-slim\nCOPY --from=assets /src/dist /app/static\n")
    root = project(tmp_path, {"scripts/build.sh": b"#!/bin/bash\r\nnpm ci\r\n", "Dockerfile": dockerfile,
                              "compose.yaml": BUILT})
    where = "breaks the build of 'app' (RUN in stage 'deps', Dockerfile:4)"
    assert errors(root) == [("scripts/build.sh", f"has CRLF line endings and {where}"),
                            ("scripts/build.sh", f"shebang needs bash, which image 'node:20-alpine' lacks; it {where}")]


# -- 4. a script without a suffix run by its bare name from PATH ------------------------------------

def test_an_entrypoint_named_by_its_bare_name_from_path(tmp_path: Path) -> None:
    root = project(tmp_path, {"docker/entrypoint": CRLF, "compose.yaml": BUILT,
                              "Dockerfile": "FROM debian:12\nCOPY docker/entrypoint /usr/local/bin/docker-entrypoint\n"
                                            "ENTRYPOINT [\"docker-entrypoint\"]\n"})
    assert errors(root) == [("docker/entrypoint", "has CRLF line endings and reaches 'app' (ENTRYPOINT)")]


def test_a_healthcheck_named_by_its_bare_name_from_a_bind_mount(tmp_path: Path) -> None:
    compose = ("services:\n  app:\n    image: debian:12\n"
               "    volumes: [\"./healthcheck:/usr/local/bin/healthcheck:ro\"]\n"
               "    healthcheck:\n      test: [\"CMD\", \"healthcheck\"]\n")
    root = project(tmp_path, {"healthcheck": CRLF, "compose.yaml": compose})
    assert errors(root) == [("healthcheck", "has CRLF line endings and reaches 'app' (healthcheck)")]


def test_a_bare_name_on_the_images_env_path(tmp_path: Path) -> None:
    root = project(tmp_path, {"bin/start": CRLF, "compose.yaml": BUILT,
                              "Dockerfile": "FROM debian:12\nENV PATH=/opt/app/bin:$PATH\n"
                                            "COPY bin/start /opt/app/bin/\nCMD [\"start\"]\n"})
    assert errors(root) == [("bin/start", "has CRLF line endings and reaches 'app' (CMD)")]


@pytest.mark.parametrize(("data", "target"), [
    (b"\x7fELF\x02\x01\x01\r\n\x00\x00", "/usr/local/bin/start"),  # a binary, not a script
    (b"set -e\r\nexec \"$@\"\r\n", "/usr/local/bin/start"),  # no shebang: not known as a script
    (CRLF, "/opt/start"),  # not on PATH
])
def test_a_bare_name_that_is_no_script_on_path_is_quiet(tmp_path: Path, data: bytes, target: str) -> None:
    root = project(tmp_path, {"bin/start": data, "compose.yaml": BUILT,
                              "Dockerfile": f"FROM debian:12\nCOPY bin/start {target}\nCMD [\"start\"]\n"})
    assert errors(root) == []


# -- 5. the .gitattributes rule appended to a file without a final newline ---------------------------

@pytest.mark.parametrize(("before", "after"), [
    # no final newline: the rules go on their own lines and the file still ends without one
    (b"* text=auto", b"* text=auto\n/bin/x text eol=lf\n/bin/rails text eol=lf"),
    (b"* text=auto\n", b"* text=auto\n/bin/x text eol=lf\n/bin/rails text eol=lf\n"),
    (b"* text=auto\r\n*.png binary",  # a CRLF file gets CRLF lines
     b"* text=auto\r\n*.png binary\r\n/bin/x text eol=lf\r\n/bin/rails text eol=lf"),
])
def test_the_gitattributes_rules_keep_the_files_ending_and_settle(tmp_path: Path, before: bytes, after: bytes) -> None:
    root = project(tmp_path / "p", {".gitattributes": before, "bin/x": CRLF, "bin/rails": CRLF, "compose.yaml": BUILT,
                                    "Dockerfile": "FROM debian:12\nCOPY bin/ /app/bin/\nENTRYPOINT [\"/app/bin/x\"]\n"
                                                  "CMD [\"/app/bin/rails\"]\n"})
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1"}
    registry = Registry({CHECK: load_registry().checks[CHECK]})
    options = FixOptions(ProjectOptions(path=root, env=env), families=frozenset({"scripts"}), yes=True, env=env)
    report = fix(options, registry)
    assert report.results and all(r.status is FixStatus.APPLIED and r.fixed for r in report.results), (
        render_fix_report(report))
    assert (root / ".gitattributes").read_bytes() == after
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git/" not in p.as_posix()}
    again = fix(options, registry)
    assert not [r for r in again.results if r.status is FixStatus.APPLIED], render_fix_report(again)
    assert {p: p.read_bytes() for p in files} == files
