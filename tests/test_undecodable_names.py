"""A project file whose name is not UTF-8 (an old Windows zip's `e\\xfe.sh`) in a finding, through the real CLI.

On a UTF-8 terminal whose stream is strict (en_US.UTF-8, PYTHONIOENCODING=utf-8, macOS), every format
but JUnit ended in 'doctor: internal error: UnicodeEncodeError: ... surrogates not allowed' and no
report (`doctor fix` too, after it had rewritten the file); SARIF did even on C.UTF-8, and `-o FILE`
in every format. The name is now printed as its own bytes on the console and in GitHub annotations,
as a JSON escape (`\\udcfe`) in JSON and SARIF messages, and percent-encoded (`e%FE.sh`) in a SARIF URI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NAME = b"e\xfe.sh"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    (project / "src").mkdir(parents=True)
    (project / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    volumes: ['./src:/app/src']\n")
    with open(os.path.join(os.fsencode(project / "src"), NAME), "wb") as script:
        script.write(b"#!/bin/sh\r\necho\r\n")
    return project


def _doctor(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "DOCKER_HOST": "unix:///nonexistent/docker.sock", "HOME": str(tmp_path),
           "PYTHONIOENCODING": "utf-8"}  # a strict UTF-8 stream, as en_US.UTF-8 gives
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "doctor", *args], capture_output=True, env=env, timeout=120)


@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "github"])
@pytest.mark.parametrize("to_file", [False, True])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path: Path, fmt: str, to_file: bool) -> None:
    project = _project(tmp_path)
    target = tmp_path / f"report.{fmt}"
    args = ["preflight", "--select", "script-line-endings", "--format", fmt, str(project)]
    done = _doctor(tmp_path, *args, *(["-o", str(target)] if to_file else []))
    assert done.returncode == 1 and done.stderr == b"", done.stderr
    data = target.read_bytes() if to_file else done.stdout
    if fmt in ("json", "sarif"):
        document = json.loads(data.decode("utf-8"))  # valid UTF-8, valid JSON
        if fmt == "json":
            files = {f["file"] for f in document["findings"]}
            assert os.fsdecode(b"src/" + NAME) in files, files  # the name back, byte for byte
        else:
            uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
                    for r in document["runs"][0]["results"] for loc in r["locations"]}
            assert "src/e%FE.sh" in uris, uris
            assert any("src/e\udcfe.sh" in r["message"]["text"] for r in document["runs"][0]["results"])
    elif fmt == "junit":
        assert b"src/e\xef\xbf\xbd.sh" in data, data  # XML must be text: the replacement character
    else:
        assert b"src/" + NAME in data, data


def test_fix_of_a_file_whose_name_is_not_utf8_reports_what_it_did(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = _doctor(tmp_path, "fix", "--yes", "--scripts", str(project))
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    assert b"+++ b/src/" + NAME in done.stdout and b"applied (2 verified fixed)" in done.stdout, done.stdout
    with open(os.path.join(os.fsencode(project / "src"), NAME), "rb") as script:
        assert script.read() == b"#!/bin/sh\necho\n"


def test_a_json_report_redacted_again_stays_valid_utf8() -> None:
    """The output border encodes a JSON report again when it masks a secret in it: that copy too escapes
    the name (it wrote the lone surrogate raw, which no UTF-8 stream or file can take)."""
    from doctor.redact import Redactor

    report = json.dumps({"file": "src/e\udcfe.sh", "message": "DB_PASSWORD=Qx8Lw2Zp7Rk4"}, ensure_ascii=False)
    shown = Redactor(["Qx8Lw2Zp7Rk4"]).document(report + "\n")
    assert json.loads(shown.encode("utf-8")) == {"file": "src/e\udcfe.sh", "message": "DB_PASSWORD=***"}
