"""Every service in a profile that is off: the checks that judge services judged none, never ✓.

nickjj/docker-django-example without its `.env` (COMPOSE_PROFILES unset): compose-config warned that
"the other checks judge none of them", yet port-collision, script-line-endings and a dozen more
said ✓ (`"status": "passed"`), exit 0, with port 8000 held and a CRLF entrypoint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_checks_that_judge_services_are_partial_when_every_service_is_off(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    profiles: [web]\n    ports: ['8000:8000']\n"
        "  worker:\n    image: busybox\n    profiles: [worker]\n")
    env = {**os.environ, "NO_COLOR": "1", "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": "unix:///nonexistent/d.sock"}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--format", "json", "--select",
                           "compose-config,port-collision,env-drift,root-owned-files"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    checks = {c["id"]: c for c in json.loads(done.stdout)["checks"]}
    for judged in ("port-collision", "env-drift"):
        assert checks[judged]["status"] == "partial", checks[judged]
        assert checks[judged]["reason"] == "every service (2) sits in a profile that is off", checks[judged]
    assert checks["root-owned-files"]["status"] != "partial"  # it walks the files, whatever compose enables
    assert checks["compose-config"]["status"] == "failed"  # the check that says so
