"""script-line-endings for a script whose LF copy the image writes itself: piggymetrics (tests/replay/piggymetrics).

sqshq/piggymetrics' mongodb image ADDs init.sh to /init.sh, writes an LF copy with
`dos2unix -n /init.sh /initx.sh` and runs that copy (ENTRYPOINT ["/initx.sh"]), so a Windows checkout's
CRLF init.sh starts fine. doctor preflight (under the dev override, which builds mongodb/) said "error:
mongodb/init.sh has CRLF line endings and reaches 'account-mongodb', 'auth-mongodb', ...". A file nothing
runs by its own name, whose LF twin the image wrote, is now not judged; one the image runs itself still is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from replay_found import HOST_ENV, found

from doctor.engine import load_registry
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "piggymetrics"
ENV = {**HOST_ENV, "COMPOSE_FILE": "docker-compose.yml:docker-compose.dev.yml"}
CHECKS = ("script-line-endings",)
ENTRYPOINT = 'ENTRYPOINT ["/initx.sh"]'
TWIN = "dos2unix -n /init.sh /initx.sh && chmod +x /initx.sh"
SERVICES = "'account-mongodb', 'auth-mongodb', 'notification-mongodb', 'statistics-mongodb'"


def _piggymetrics(tmp_path: Path, dockerfile: tuple[str, str] | None = None) -> Path:
    root = tmp_path / "piggymetrics"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".gitattributes").write_text("*.sh text eol=lf\n")  # the info about it is not what is tested
    script = root / "mongodb" / "init.sh"
    script.write_bytes(script.read_bytes().replace(b"\n", b"\r\n"))  # a Windows checkout's
    if dockerfile is not None:
        path = root / "mongodb" / "Dockerfile"
        text = path.read_text()
        assert text.count(dockerfile[0]) == 1
        path.write_text(text.replace(*dockerfile))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None]]:
    return found(_options(root), CHECKS)


def test_a_crlf_script_the_image_runs_as_its_lf_copy_is_no_fault(tmp_path: Path) -> None:
    assert _found(_piggymetrics(tmp_path)) == []


def test_the_crlf_script_itself_run_by_the_image_is_still_an_error_fixed_in_one_run(tmp_path: Path) -> None:
    root = _piggymetrics(tmp_path, (ENTRYPOINT, 'ENTRYPOINT ["/init.sh"]'))
    assert _found(root) == [(f"has CRLF line endings and reaches {SERVICES} (ENTRYPOINT)", "init.sh", 1)]
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert b"\r" not in (root / "mongodb" / "init.sh").read_bytes()
    assert (root / "mongodb" / "init.sh").read_bytes() == (REPLAY / "mongodb" / "init.sh").read_bytes()
    assert _found(root) == []


def test_without_the_lf_copy_the_crlf_script_is_an_error(tmp_path: Path) -> None:
    root = _piggymetrics(tmp_path, (TWIN, "chmod +x /init.sh"))
    (root / "mongodb" / "Dockerfile").write_text(
        (root / "mongodb" / "Dockerfile").read_text().replace(ENTRYPOINT, 'ENTRYPOINT ["/init.sh"]'))
    assert [name for _, name, _ in _found(root)] == ["init.sh"]


INITDB = ("FROM mongo:3\nADD init.sh /docker-entrypoint-initdb.d/init.sh\n"
          "RUN apt-get update && apt-get install dos2unix"
          " && dos2unix -n /docker-entrypoint-initdb.d/init.sh /docker-entrypoint-initdb.d/init-lf.sh\n")


def test_a_crlf_script_in_a_folder_the_entrypoint_runs_is_an_error_whatever_twin_it_has(tmp_path: Path) -> None:
    # mongo's entrypoint runs every file of /docker-entrypoint-initdb.d/: the CRLF init.sh as well as its twin
    root = _piggymetrics(tmp_path)
    (root / "mongodb" / "Dockerfile").write_text(INITDB)
    assert _found(root) == [(f"has CRLF line endings and reaches {SERVICES} (COPY, Dockerfile:2)", "init.sh", 1)]


@pytest.mark.parametrize("start", [
    'ENTRYPOINT ["/bin/sh", "-c", "exec /init.sh \\"$@\\""]',
    'ENTRYPOINT ["bash", "-c", "chmod +x /init.sh && /init.sh"]',
    'ENTRYPOINT ["bash", "-c", "cd / && ./init.sh"]',
    'WORKDIR /\nENTRYPOINT /bin/sh -c "cd / && ./init.sh"',
    'ENV START=/init.sh\nENTRYPOINT ["sh", "-c", "exec $START"]',
])
def test_a_crlf_script_a_shell_runs_by_a_name_is_an_error_whatever_twin_it_has(tmp_path: Path, start: str) -> None:
    root = _piggymetrics(tmp_path, (ENTRYPOINT, start))
    assert _found(root) == [(f"has CRLF line endings and reaches {SERVICES} (COPY, Dockerfile:4)", "init.sh", 1)]


@pytest.mark.parametrize("start", [
    'ENTRYPOINT ["/bin/sh", "-c", "exec /initx.sh \\"$@\\""]',
    'WORKDIR /\nENTRYPOINT /bin/sh -c "cd / && ./initx.sh"',
])
def test_a_shell_running_the_twin_alone_is_no_fault(tmp_path: Path, start: str) -> None:
    assert _found(_piggymetrics(tmp_path, (ENTRYPOINT, start))) == []
