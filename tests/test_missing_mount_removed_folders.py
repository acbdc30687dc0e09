"""missing-mount: a folder the build deletes after copying it is no folder of the image.

healthchecks at 3d018c0 (tests/replay/healthchecks-3d018c0) keeps compose in docker/ and builds
`context: ..`; the builder stage runs `COPY . /opt/healthchecks/`, then
`rm -rf /opt/healthchecks/.git && rm -rf /opt/healthchecks/stuff`, and the final stage takes the
folder whole (`COPY --from=builder /opt/healthchecks/ /opt/healthchecks/`). A dev override mounting
../hc and ../templates was told `'web' mounts ../hc, ../templates but not ../stuff`, with the fix
`mount ../stuff at /opt/healthchecks/stuff`: a mount of a folder the image never has.

The replay copy holds the compose and Docker files; each test writes the top folders the
Dockerfile's `COPY .` brings (hc/ a package, templates/, stuff/) and the override into a git
checkout of its own. No tool of the project runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from doctor.checks.missing_mount import MissingMount
from trees import write_tree

from doctor.host import Host
from doctor.model import Finding
from doctor.project import Project, ProjectOptions
from doctor.project.dockerfile import read_dockerfile

REPLAY = Path(__file__).parent / "replay" / "healthchecks-3d018c0"
# the folders of the repository's top the image copies (a few of their files)
TOP = {"hc/__init__.py": "", "hc/api/__init__.py": "", "hc/api/views.py": "x = 1\n",
       "templates/base.html": "<html></html>\n", "stuff/bootstrap.sh": "#!/bin/sh\n",
       "stuff/icons_icomoon_project.json": "{}\n"}
OVERRIDE = "services:\n  web:\n    volumes:\n{mounts}"


def _env(root: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}


def _healthchecks(tmp_path: Path, mounts: tuple[str, ...]) -> Path:
    top = tmp_path / "repo"
    shutil.copytree(REPLAY, top)
    shutil.copy(top / "docker" / ".env.example", top / "docker" / ".env")  # the README's first step
    lines = "".join(f"      - {m}\n" for m in mounts)
    write_tree(top, {**TOP, "docker/docker-compose.override.yml": OVERRIDE.format(mounts=lines)})
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


def _run(top: Path, home: Path) -> list[Finding]:
    env = _env(home)
    return list(MissingMount().run(Project(ProjectOptions(path=top / "docker", env=env)), Host(env=env)))


def test_a_folder_the_builder_deletes_is_not_missing(tmp_path: Path) -> None:
    top = _healthchecks(tmp_path, ("../hc:/opt/healthchecks/hc", "../templates:/opt/healthchecks/templates"))
    assert _run(top, tmp_path) == []


def test_a_folder_the_image_keeps_is_still_missing(tmp_path: Path) -> None:
    # only ../templates mounted: the package hc/ is a real miss, stuff/ still none
    top = _healthchecks(tmp_path, ("../templates:/opt/healthchecks/templates",))
    [finding] = _run(top, tmp_path)
    assert finding.message == "'web' mounts ../templates but not ../hc"
    assert finding.fix is not None
    assert finding.fix.title.startswith("mount ../hc at /opt/healthchecks/hc")


def _removed(tmp_path: Path, dockerfile: str) -> dict[str, tuple[str, ...]]:
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile)
    parsed = read_dockerfile(path)
    return {copy.destination: copy.removed for copy in (*parsed.copies, *parsed.relayed)}


@pytest.mark.parametrize(("run", "removed"), [
    ("RUN rm -rf /app/stuff", ("stuff",)),
    ("RUN rm -r /app/stuff", ("stuff",)),
    ("RUN rm -fr /app/stuff /app/.git", ("stuff", ".git")),
    ("RUN rm -Rf -- /app/stuff", ("stuff",)),
    ("RUN apt-get update && rm -rf /app/stuff/ || true", ("stuff",)),
    ("RUN set -e; rm -rf stuff", ("stuff",)),  # relative to WORKDIR
    ("RUN cd /app/hc && rm -rf ../stuff local_settings.py", ("stuff", "hc/local_settings.py")),
    ('RUN ["rm", "-rf", "/app/stuff"]', ("stuff",)),
    ("RUN --mount=type=cache,target=/root/.cache rm -rf /app/stuff", ("stuff",)),
    ("RUN <<EOF\nset -e\nrm -rf /app/stuff\nEOF", ("stuff",)),  # a heredoc script
    ("RUN rm -rf /app", (".",)),
    # not a removal of what the COPY brought: another folder, a glob, a word rm does not get
    ("RUN rm -rf /tmp/stuff /app/*.md", ()),
    ("RUN echo rm -rf /app/stuff", ()),
    ("RUN rm -rf $TARGET/stuff", ()),
])
def test_what_a_run_removes_from_a_copy(tmp_path: Path, run: str, removed: tuple[str, ...]) -> None:
    assert _removed(tmp_path, f"FROM python:3.12\nWORKDIR /app\nCOPY . /app/\n{run}\n") == {"/app/": removed}


def test_a_removal_before_the_copy_removes_nothing(tmp_path: Path) -> None:
    assert _removed(tmp_path, "FROM python:3.12\nRUN rm -rf /app/stuff\nCOPY . /app/\n") == {"/app/": ()}


def test_a_removal_follows_the_copy_into_the_stage_that_takes_it(tmp_path: Path) -> None:
    dockerfile = ("FROM python:3.12 AS builder\nCOPY . /opt/hc/\nRUN rm -rf /opt/hc/.git && rm -rf /opt/hc/stuff\n"
                  "FROM python:3.12\nCOPY --from=builder /opt/hc/ /srv/hc/\nRUN rm -f /srv/hc/hc/local_settings.py\n")
    assert _removed(tmp_path, dockerfile) == {"/srv/hc/": (".git", "stuff", "hc/local_settings.py")}
    # a folder below the copy taken by itself: what was removed in it, relative to it
    below = ("FROM python:3.12 AS builder\nCOPY . /opt/hc/\nRUN rm -rf /opt/hc/stuff /opt/hc/hc/local_settings.py\n"
             "FROM python:3.12\nCOPY --from=builder /opt/hc/hc /srv/hc\n")
    assert _removed(tmp_path, below) == {"/srv/hc": ("local_settings.py",)}
