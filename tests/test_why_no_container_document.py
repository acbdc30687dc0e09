"""`doctor why --format json` on a project with no container on the engine still prints its report on stdout.

Before (fixW audit, engine 20.10, compose v2.40.3): after an `up` whose build failed (so it created no container), or
before any `up`, `doctor why --format json > why.json` printed nothing on stdout, only its stderr line, and exited 2:
the CI step that then parsed why.json read an empty file, though README says it parses. Only an engine doctor could
not reach got the document. Now every "could not look" of `why` (no container of the project, or one whose pull it
needs, or a service asked for that has none) prints the document in the machine formats: the `why` check `skipped`
with the reason (the stderr line's words), every service `up` was to start listed with no container, and what the
checks doctor ran found (image-availability's note of an image to pull); the exit status 2 and the stderr line stay,
and the console prints nothing more on stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

BUILD = """\
services:
  app:
    build: .
    image: doctor-test/fixw-nocontainer-{run}
  cache:
    image: {image}
    command: ["sleep", "30"]
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}


def _why(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", "why", *args], cwd=root, capture_output=True, text=True,
                          timeout=120, env=_env(), stdin=subprocess.DEVNULL)


def _skipped(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert done.returncode == 2, done
    assert done.stderr.count("\n") == 1 and "has no container" in done.stderr, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    checks = report["checks"]
    assert isinstance(checks, list)
    [why] = [c for c in checks if c["id"] == "why"]
    assert why["status"] == "skipped"
    assert why["reason"] == done.stderr.removeprefix("doctor: ").rstrip("\n")
    return report


@pytest.mark.docker
def test_after_a_failed_build_json_is_the_report(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    run = uuid.uuid4().hex[:8]
    (tmp_path / "compose.yaml").write_text(BUILD.format(run=run, image=busybox_image))
    (tmp_path / "Dockerfile").write_text(f"FROM {busybox_image}\nCOPY requirements.txt /app/\n")
    name = f"doctor-h-fixw-{run}"
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300, env=_env())
        assert up.returncode != 0 and "requirements.txt" in up.stdout + up.stderr, up
        done = _why(tmp_path, "-p", name, "--format", "json")
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "0", "--rmi", "local"],
                       cwd=tmp_path, capture_output=True, timeout=120, env=_env())
    report = _skipped(done)
    facts = report["facts"]
    assert isinstance(facts, dict)
    assert facts["services"] == [{"service": s, "container": None, "state": "no container", "failed": False}
                                 for s in ("app", "cache")]


@pytest.mark.docker
def test_an_image_to_pull_comes_with_its_finding(tmp_path: Path, docker_engine: str) -> None:
    name = f"doctor-h-fixw-{uuid.uuid4().hex[:8]}"
    (tmp_path / "compose.yaml").write_text(f"services:\n  app:\n    image: doctor-test/{name}-absent:1\n")
    report = _skipped(_why(tmp_path, "-p", name, "--format", "json"))
    # what image-availability says of the image `up` needs from a registry comes along with the reason
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [(f["check"], f["file"], f["line"]) for f in findings] == [("image-availability", "compose.yaml", 3)]


@pytest.mark.docker
def test_before_any_up_every_document_format(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    name = f"doctor-h-fixw-{uuid.uuid4().hex[:8]}"
    (tmp_path / "compose.yaml").write_text(f"services:\n  app:\n    image: {busybox_image}\n")
    report = _skipped(_why(tmp_path, "-p", name, "--format", "json"))
    assert report["findings"] == []
    assert report["facts"] == {"services": [{"service": "app", "container": None, "state": "no container",
                                             "failed": False}]}
    sarif = _why(tmp_path, "-p", name, "--format", "sarif")
    assert sarif.returncode == 2
    [note] = json.loads(sarif.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "has no container on the engine" in note["message"]["text"]
    junit = _why(tmp_path, "-p", name, "--format", "junit", "--output", "why.xml")
    assert junit.returncode == 2 and junit.stdout == ""
    [skipped] = ET.parse(tmp_path / "why.xml").getroot().iter("skipped")
    assert "has no container on the engine" in skipped.get("message", "")
    console = _why(tmp_path, "-p", name)
    assert console.returncode == 2 and console.stdout == "" and "has no container" in console.stderr


@pytest.mark.docker
def test_a_service_asked_for_with_no_container(tmp_path: Path, docker_engine: str, busybox_image: str) -> None:
    name = f"doctor-h-fixw-{uuid.uuid4().hex[:8]}"
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  app:\n    image: {busybox_image}\n    command: [sleep, '60']\n"
        f"  other:\n    image: {busybox_image}\n")
    try:
        up = subprocess.run([docker_engine, "compose", "-p", name, "up", "-d", "app"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env=_env())
        assert up.returncode == 0, up
        done = _why(tmp_path, "-p", name, "--service", "other", "--format", "json")
    finally:
        subprocess.run([docker_engine, "compose", "-p", name, "down", "-v", "-t", "0"], cwd=tmp_path,
                       capture_output=True, timeout=120, env=_env())
    report = _skipped(done)
    assert report["facts"] == {"services": [{"service": "other", "container": None, "state": "no container",
                                             "failed": False}]}
