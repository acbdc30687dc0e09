"""A CRLF script a service's command copies out of a bound folder and strips of its CRs before running it.

onyx-dot-app/onyx (tests/replay/onyx, a7d66a8, MIT outside ee/) binds deployment/data/nginx onto nginx's
/nginx-templates and starts it with `cp -a /nginx-templates/. /etc/nginx/conf.d/ && sed 's/\\r$//'
/etc/nginx/conf.d/run-nginx.sh > /tmp/run-nginx.sh && chmod +x /tmp/run-nginx.sh && /tmp/run-nginx.sh
app.conf.template`, for Windows checkouts. With run-nginx.sh checked out with CRLF, doctor preflight said
`has CRLF line endings and reaches 'nginx' (bind mount, docker-compose.yml:464)`, an error, though the copy
that runs is the stripped one: the command's strip was matched only against the mount target of the file
itself and a `cp A B` of it, never a file inside a bound folder nor a folder copied whole. Now both are
followed; a command running the copy unstripped is still found. Then (a review's find) a command keeping
the `sed ... run-nginx.sh > /tmp/run-nginx.sh` step but starting /etc/nginx/conf.d/run-nginx.sh was said to
strip it: any strip step naming the file counted, though `sed A > B` strips B alone. Now only the redirect's
target (the file itself for `sed -i` and `dos2unix`) is stripped, and the path the command runs must be one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from replay_found import HOST_ENV

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).resolve().parent / "replay" / "onyx"
STRIPPED = """      && sed 's/\\r$//' /etc/nginx/conf.d/run-nginx.sh > /tmp/run-nginx.sh
      && chmod +x /tmp/run-nginx.sh
      && /tmp/run-nginx.sh app.conf.template\""""


def _copy(tmp_path: Path, unstripped: bool = False, command: str = "") -> Path:
    """The replay copied into a git checkout (deployment/data is the checkout's, not outside it) with
    run-nginx.sh in CRLF; the compose folder."""
    root = tmp_path / "onyx"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    script = root / "deployment" / "data" / "nginx" / "run-nginx.sh"
    script.write_bytes(script.read_bytes().replace(b"\n", b"\r\n"))
    folder = root / "deployment" / "docker_compose"
    if unstripped or command:
        compose = folder / "docker-compose.yml"
        text = compose.read_text()
        assert STRIPPED in text
        unstripped_run = '      && /etc/nginx/conf.d/run-nginx.sh app.conf.template"'
        compose.write_text(text.replace(STRIPPED, command or unstripped_run))
    return folder


def _found(folder: Path) -> list[tuple[str, str, int | None]]:
    options = ProjectOptions(path=folder, env={**HOST_ENV, "HOME": str(folder.parents[2]),
                                               "COMPOSE_FILE": "docker-compose.yml:docker-compose.dev.yml"})
    report = preflight(RunOptions(project=options, select=("script-line-endings",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.path.name if f.location else "", f.location.line if f.location else None)
            for f in report.findings]


def test_the_stripped_copy_runs_so_crlf_harms_nothing(tmp_path: Path) -> None:
    assert _found(_copy(tmp_path)) == []


def test_the_copy_run_unstripped_is_found(tmp_path: Path) -> None:
    assert [(message, name, line) for message, name, line in _found(_copy(tmp_path, unstripped=True))
            if name == "run-nginx.sh"] == [
        ("has CRLF line endings and reaches 'nginx' (bind mount, docker-compose.yml:464)", "run-nginx.sh", 1)]


RUN_UNSTRIPPED = """      && sed 's/\\r$//' /etc/nginx/conf.d/run-nginx.sh > /tmp/run-nginx.sh
      && chmod +x /tmp/run-nginx.sh
      && {} app.conf.template\""""
IN_PLACE = """      && {}
      && {} app.conf.template\""""


@pytest.mark.parametrize("runs", ["/etc/nginx/conf.d/run-nginx.sh", "sh /etc/nginx/conf.d/run-nginx.sh",
                                  "exec bash -e /etc/nginx/conf.d/run-nginx.sh"])
def test_the_copy_run_unstripped_beside_a_stripped_one_is_found(tmp_path: Path, runs: str) -> None:
    """`sed A > B` strips B alone: a command that then starts A still runs the CRLF script."""
    folder = _copy(tmp_path, command=RUN_UNSTRIPPED.format(runs))
    assert [(message, name, line) for message, name, line in _found(folder) if name == "run-nginx.sh"] == [
        ("has CRLF line endings and reaches 'nginx' (bind mount, docker-compose.yml:464)", "run-nginx.sh", 1)]


@pytest.mark.parametrize(("strip", "runs"), [
    ("sed -i 's/\\r$//' /etc/nginx/conf.d/run-nginx.sh", "/etc/nginx/conf.d/run-nginx.sh"),
    ("dos2unix /etc/nginx/conf.d/run-nginx.sh", "sh /etc/nginx/conf.d/run-nginx.sh"),
    ("tr -d '\\r' < /etc/nginx/conf.d/run-nginx.sh > /tmp/run.sh", "exec sh /tmp/run.sh"),
])
def test_a_stripped_path_run_harms_nothing(tmp_path: Path, strip: str, runs: str) -> None:
    assert _found(_copy(tmp_path, command=IN_PLACE.format(strip, runs))) == []


@pytest.mark.parametrize(("strip", "runs"), [
    ("tr -d '\\r' < /etc/nginx/conf.d/run-nginx.sh > /tmp/run.sh", "/etc/nginx/conf.d/run-nginx.sh"),
    ("sed -i 's/\\r$//' /etc/nginx/conf.d/other.sh", "/etc/nginx/conf.d/run-nginx.sh"),
])
def test_a_strip_of_another_path_is_found(tmp_path: Path, strip: str, runs: str) -> None:
    found = _found(_copy(tmp_path, command=IN_PLACE.format(strip, runs)))
    assert [line for _, name, line in found if name == "run-nginx.sh"] == [1]
