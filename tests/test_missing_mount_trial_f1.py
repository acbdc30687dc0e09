"""missing-mount: the defects new users hit in trial F1 (D3, D4, D5).

D3: healthchecks copies its sources in a `builder` stage (`COPY . /opt/healthchecks/`) and the final
stage takes them whole (`COPY --from=builder /opt/healthchecks/ /opt/healthchecks/`): an override
mounting ../hc/api and ../hc/front but not ../hc/accounts passed, though one stage warned.
D4: `fix --mounts` added `- ./tests:/app/tests` beside `- './dojo:/app/dojo:z'`: without the
SELinux relabel the folder is unreadable under enforcing SELinux, and the quoting differed.
D5: DefectDojo's unit-test mode narrows `.:/app:z` to ./dojo while its entrypoint stays
/app/docker/entrypoint-unit-tests-devDocker.sh, which its image never COPYs there: the container
failed "no such file or directory" while doctor reported nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount
from trees import write_tree

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.dockerfile import read_dockerfile
from doctor.project.edits import _override_edit


def _env(root: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "XDG_STATE_HOME": str(root.parent / "state")}


def _run(root: Path) -> list[Finding]:
    env = _env(root)
    return list(MissingMount().run(Project(ProjectOptions(path=root, env=env)), Host(env=env)))



PACKAGES = {"pkg/__init__.py": "", "pkg/a/__init__.py": "", "pkg/b/__init__.py": "", "pkg/c/__init__.py": "",
            "compose.yaml": "services: {web: {build: ., volumes: [./pkg/a:/app/pkg/a, ./pkg/b:/app/pkg/b]}}\n"}


@pytest.mark.parametrize("dockerfile", [
    "FROM python:3.12\nCOPY . /app/\n",
    "FROM python:3.12 AS builder\nCOPY . /app/\nFROM python:3.12\nCOPY --from=builder /app/ /app/\n",
    # the stage moves it (`/src` to `/app`), and a relative destination against the WORKDIR
    "FROM python:3.12 AS builder\nCOPY . /src/\nFROM python:3.12\nWORKDIR /app\nCOPY --from=builder /src .\n",
    # through two builder stages
    "FROM python:3.12 AS one\nCOPY . /app/\nFROM python:3.12 AS two\nCOPY --from=one /app /app\n"
    "FROM python:3.12\nCOPY --from=two / /\n",
], ids=["one-stage", "builder", "moved", "two-builders"])
def test_a_builder_stage_copied_whole_counts(tmp_path: Path, dockerfile: str) -> None:
    write_tree(tmp_path, {**PACKAGES, "Dockerfile": dockerfile})
    assert [f.message for f in _run(tmp_path)] == ["'web' mounts pkg/a, pkg/b but not pkg/c"]


@pytest.mark.parametrize("dockerfile", [
    # the builder's output below its copy (`/app/dist`), not the context's folders
    "FROM python:3.12 AS builder\nCOPY . /app/\nRUN make\nFROM python:3.12\n"
    "COPY --from=builder /app/pkg/a /app/pkg/a\n",
    # a stage the image does not copy from
    "FROM python:3.12 AS builder\nCOPY . /app/\nFROM python:3.12\nCOPY --from=builder /wheels /wheels\n",
], ids=["below-the-copy", "other-path"])
def test_what_a_builder_made_is_not_the_context(tmp_path: Path, dockerfile: str) -> None:
    write_tree(tmp_path, {**PACKAGES, "Dockerfile": dockerfile})
    assert [f.message for f in _run(tmp_path) if "mounts" in f.message] == []


def test_relayed_copies_land_where_the_copy_from_puts_them(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.14-slim AS builder\nCOPY requirements.txt /tmp\nCOPY . /opt/healthchecks/\n"
        "FROM python:3.14-slim\nWORKDIR /opt/healthchecks\nCOPY --from=builder /opt/healthchecks/ /opt/hc/\n"
        "COPY --from=builder /tmp /deps\n")
    relayed = read_dockerfile(tmp_path / "Dockerfile").relayed
    assert [(c.sources, c.destination, c.line) for c in relayed] == [
        ((".",), "/opt/hc/", 6), (("requirements.txt",), "/deps", 7)]


D4_DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /src\nCOPY app/ ./app/\nCOPY tests/ ./tests/\n"


@pytest.mark.parametrize(("mounts", "added"), [
    ("      - './app:/src/app:z'\n", "      - './tests:/src/tests:z'\n"),
    ('      - "./app:/src/app:Z,cached"\n', '      - "./tests:/src/tests:Z,cached"\n'),
    # `ro` only where every sibling is read-only; a mode one sibling lacks is not copied
    ("      - ./app:/src/app:ro,z\n      - ./lib:/src/lib:ro\n", "      - ./tests:/src/tests:ro\n"),
    ("      - ./app:/src/app:ro,z\n      - ./lib:/src/lib:z\n", "      - ./tests:/src/tests:z\n"),
    ("      - ./app:/src/app\n", "      - ./tests:/src/tests\n"),
    # mixed quoting: as the round trip writes a new item
    ("      - './app:/src/app'\n      - ./lib:/src/lib\n", "      - ./tests:/src/tests\n"),
], ids=["single-quoted-z", "double-quoted", "all-ro", "one-writable", "plain", "mixed-quotes"])
def test_the_added_mount_follows_its_siblings(tmp_path: Path, mounts: str, added: str) -> None:
    write_tree(tmp_path, {"Dockerfile": D4_DOCKERFILE + "COPY lib/ ./lib/\n", "app/__init__.py": "",
                      "tests/__init__.py": "", "lib/__init__.py": "",
                      "compose.yaml": "services:\n  web:\n    build: .\n",
                      "compose.override.yaml": f"services:\n  web:\n    volumes:\n{mounts}"})
    found = [f for f in _run(tmp_path) if "but not tests" in f.message]
    assert len(found) == 1 and found[0].fix is not None
    (edit,) = found[0].fix.edits
    assert edit.new == f"services:\n  web:\n    volumes:\n{mounts}{added}"
    # the ruamel round trip, which the plain-text path must equal, writes the same
    entry = added.strip().removeprefix("- ").strip("'\"")
    slow = _override_edit(tmp_path / "compose.override.yaml", "volumes", {"web": [entry]}, None, fast=False)
    assert slow is not None and slow.new == edit.new


def _d5(root: Path, compose: str, dockerfile: str = "") -> list[str]:
    write_tree(root, {"Dockerfile": dockerfile or "FROM python:3.12-slim\nWORKDIR /app\nCOPY dojo/ ./dojo/\n"
                  "COPY docker/entrypoint-dev.sh /entrypoint-dev.sh\n",
                  "dojo/__init__.py": "", "docker/entrypoint-dev.sh": "#!/bin/sh\nexec \"$@\"\n",
                  "compose.yaml": compose})
    return [f.message for f in _run(root) if " runs " in f.message]


D5_COMPOSE = ('services:\n  web:\n    build: .\n    entrypoint: ["/app/docker/entrypoint-dev.sh"]\n'
              "    volumes:\n      - ./dojo:/app/dojo\n")
D5_MESSAGE = ("'web' runs /app/docker/entrypoint-dev.sh, which no mount or COPY provides "
              "(the host has docker/entrypoint-dev.sh)")


def test_an_entrypoint_only_a_wider_bind_brought(tmp_path: Path) -> None:
    write_tree(tmp_path, {})
    assert _d5(tmp_path, D5_COMPOSE) == [D5_MESSAGE]
    (finding,) = [f for f in _run(tmp_path) if " runs " in f.message]
    assert finding.severity.label == "error" and finding.location is not None and finding.location.line == 4
    assert finding.fix is not None and finding.fix.title == (
        "mount ./docker at /app/docker in a new dev override compose.override.yaml")  # as the COPY'd folders' fix
    assert finding.fix.edits[0].new == "services:\n  web:\n    volumes:\n      - ./docker:/app/docker\n"


@pytest.mark.parametrize(("compose", "dockerfile"), [
    (D5_COMPOSE.replace("./dojo:/app/dojo", ".:/app"), ""),  # the whole tree is mounted
    (D5_COMPOSE + "      - ./docker:/app/docker\n", ""),
    (D5_COMPOSE, "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"),  # the image has it
    (D5_COMPOSE, "FROM python:3.12-slim\nWORKDIR /app\nCOPY dojo/ ./dojo/\nCOPY docker/ ./docker/\n"),
    (D5_COMPOSE, "FROM python:3.12-slim\nWORKDIR /app\nCOPY dojo/ ./dojo/\nCOPY docker/*.sh ./docker/\n"),
    (D5_COMPOSE, "FROM python:3.12-slim\nWORKDIR /app\nCOPY dojo/ ./dojo/\n"
                 "RUN mkdir docker && cp /x/entrypoint-dev.sh docker/\n"),
    (D5_COMPOSE.replace("/app/docker/entrypoint-dev.sh", "/entrypoint-dev.sh"), ""),  # what the image COPYs
    (D5_COMPOSE.replace("/app/docker/entrypoint-dev.sh", "/app/docker/other.sh"), ""),  # no such host file
    (D5_COMPOSE.replace("/app/docker/entrypoint-dev.sh", "/usr/local/bin/start"), ""),  # no tree of the project
], ids=["whole-bind", "mounted", "copy-all", "copy-folder", "copy-glob", "run-made", "image-path", "no-host-file",
        "outside-trees"])
def test_a_run_path_something_provides_is_quiet(tmp_path: Path, compose: str, dockerfile: str) -> None:
    assert _d5(tmp_path, compose, dockerfile) == []
