"""script-line-endings on scripts without a suffix that a COPY'd folder brings: s6-overlay's `run`.

Shaped like paperless-ngx/paperless-ngx: Dockerfile `COPY ./docker/rootfs /`, whose
etc/s6-overlay/s6-rc.d/init-wait-for-db/run starts `#!/command/with-contenv /usr/bin/bash`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, relative_to
from doctor.project import ProjectOptions

RUN = "docker/rootfs/etc/s6-overlay/s6-rc.d/init-wait-for-db/run"


def findings(root: Path) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env), select=("script-line-endings",), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == "script-line-endings"]


@pytest.mark.parametrize(("data", "mode", "found"), [
    (b"#!/command/with-contenv /usr/bin/bash\r\nwait_for_postgres\r\n", 0o755, True),
    (b"\xef\xbb\xbf#!/usr/bin/env bash\nwait_for_postgres\n", 0o755, True),  # a BOM before the shebang
    (b"#!/command/with-contenv /usr/bin/bash\nwait_for_postgres\n", 0o755, False),  # LF: fine
    (b"#!/command/with-contenv /usr/bin/bash\r\nwait_for_postgres\r\n", 0o644, False),  # not executable
    (b"oneshot\r\n", 0o755, False),  # no shebang: no script
], ids=["crlf-run", "bom-run", "lf-run", "not-executable", "no-shebang"])
def test_an_executable_without_a_suffix_is_a_script(tmp_path: Path, data: bytes, mode: int, found: bool) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  webserver:\n    build: .\n")
    (tmp_path / "Dockerfile").write_text("FROM ghcr.io/astral-sh/uv:0.11.32-python3.12-trixie-slim\n"
                                         "COPY ./docker/rootfs /\nENTRYPOINT [\"/init\"]\n")
    script = tmp_path / RUN
    script.parent.mkdir(parents=True)
    script.write_bytes(data)
    script.chmod(mode)
    errors = [(relative_to(f.location.path, tmp_path), f.message) for f in findings(tmp_path)
              if f.location is not None and f.location.line is not None]
    assert bool(errors) is found
    if found:
        assert errors[0][0] == RUN and errors[0][1].endswith("reaches 'webserver' (COPY, Dockerfile:2)")


# immich-app/immich docker/docker-compose.dev.yml: the compose project is docker/, the server's code
# is bind-mounted from ../server and its command is server/bin/immich-dev (bash, no suffix)
IMMICH = """name: immich-dev
services:
  immich-server:
    image: immich-server-dev:latest
    command: ['/usr/src/app/bin/immich-dev']
    volumes:
      - ../server:/usr/src/app
      - /usr/src/app/node_modules
"""


@pytest.mark.parametrize("checkout", [True, False], ids=["in-a-checkout", "no-checkout"])
def test_a_command_beside_the_compose_folder_in_the_same_checkout(tmp_path: Path, checkout: bool) -> None:
    if checkout:
        (tmp_path / ".git").mkdir()
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "docker-compose.yml").write_text(IMMICH)
    script = tmp_path / "server" / "bin" / "immich-dev"
    script.parent.mkdir(parents=True)
    script.write_bytes(b"#!/usr/bin/env bash\r\n\r\ncd /usr/src/app || exit\r\nnpm run start:debug\r\n")
    script.chmod(0o755)
    found = findings(tmp_path / "docker")
    if not checkout:  # outside any checkout only the compose folder is the project's: nothing else is read
        assert found == []
        return
    # the checkout top's .gitattributes is the one whose rules reach ../server (a rule in docker/ would not)
    assert [(f.subject, f.message) for f in found] == [
        ("../server/bin/immich-dev", "has CRLF line endings and reaches 'immich-server' (command)"),
        (".gitattributes",
         "no .gitattributes rule keeps server/bin/immich-dev at LF: a Windows checkout brings CRLF back")]
    assert found[0].fix is not None and found[0].fix.edits[0].path == script
    assert found[1].fix is not None and [e.path for e in found[1].fix.edits] == [tmp_path / ".gitattributes"]
    assert found[1].fix.title == "add '/server/bin/immich-dev text eol=lf' to ../.gitattributes"
