"""script-line-endings: a CRLF script the Dockerfile's own `HEALTHCHECK ... CMD` runs.

healthchecks/healthchecks COPYs docker/fetchstatus.py into its image and runs it from the
Dockerfile's HEALTHCHECK; with CRLF the check fails every time and the service never turns healthy.
CMD, a compose `command:` and a compose `healthcheck:` were found; the image's HEALTHCHECK was not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor.checks.script_line_endings import ScriptLineEndings

from doctor.host import Host
from doctor.project import Project, ProjectOptions


@pytest.mark.parametrize(("healthcheck", "compose", "expected"), [
    ("HEALTHCHECK CMD ./fetchstatus.py", "", ["has CRLF line endings and reaches 'web' (HEALTHCHECK)"]),
    ('HEALTHCHECK --interval=60s --timeout=10s CMD ["/app/fetchstatus.py"]', "",
     ["has CRLF line endings and reaches 'web' (HEALTHCHECK)"]),
    # compose's own test replaces it, `disable: true` and NONE turn it off
    ("HEALTHCHECK CMD ./fetchstatus.py", "    healthcheck:\n      test: [CMD, true]\n", []),
    ("HEALTHCHECK CMD ./fetchstatus.py", "    healthcheck:\n      disable: true\n", []),
    ("HEALTHCHECK NONE", "", []),
    # compose's timing alone keeps the image's test
    ("HEALTHCHECK CMD ./fetchstatus.py", "    healthcheck:\n      interval: 5s\n",
     ["has CRLF line endings and reaches 'web' (HEALTHCHECK)"]),
], ids=["shell-form", "exec-form", "compose-test", "compose-disable", "none", "compose-interval"])
def test_a_crlf_script_the_image_healthcheck_runs(tmp_path: Path, healthcheck: str, compose: str,
                                                  expected: list[str]) -> None:
    script = tmp_path / "fetchstatus.py"
    script.write_bytes(b"#!/usr/bin/env python\r\nprint(1)\r\n")
    script.chmod(0o755)
    (tmp_path / "Dockerfile").write_text(
        f"FROM python:3.12-slim\nWORKDIR /app\nCOPY fetchstatus.py /app/\n{healthcheck}\n")
    (tmp_path / "compose.yaml").write_text(f"services:\n  web:\n    build: .\n{compose}")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    found = list(ScriptLineEndings().run(Project(ProjectOptions(path=tmp_path, env=env)), Host(env=env)))
    assert [f.message for f in found if f.subject == "fetchstatus.py" and f.severity.label == "error"] == expected
