"""A COMPOSE_FILE entry that does not exist is reported where COMPOSE_FILE is set.

laradock's `.env` selects its compose files (`COMPOSE_FILE=docker-compose.yml`, "append
`:docker-compose.sync.yml`" for docker-sync, laradock's docs say); a name mistyped there stops
compose (`stat .../docker-compose.sync.yaml: no such file or directory`). doctor reported it at
the project folder, `.`, with no line: the console said `error   .`, the GitHub annotation
`file=.` and SARIF `uri: "."` at line 1, none of which opens the line to correct.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.model import Location
from doctor.project import ProjectOptions
from doctor.project.discover import discover


def _laradock(shared_dir: Path, tmp_path: Path) -> Path:
    root = tmp_path / "laradock"
    root.mkdir()
    source = shared_dir / "corpus" / "laradock__laradock"
    shutil.copy(source / "docker-compose.yml", root)
    text = (source / ".env").read_text()
    assert text.count("\nCOMPOSE_FILE=docker-compose.yml\n") == 1
    (root / ".env").write_text(text.replace("\nCOMPOSE_FILE=docker-compose.yml\n",
                                            "\nCOMPOSE_FILE=docker-compose.yml:docker-compose.sync.yaml\n"))
    return root


def _line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))


def test_a_missing_file_of_compose_file_in_dotenv_is_reported_at_its_line(shared_dir: Path, tmp_path: Path) -> None:
    root = _laradock(shared_dir, tmp_path)
    found = discover(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin"}))
    problems = [p for p in found.problems if "COMPOSE_FILE" in p.message]
    assert [p.message for p in problems] == [
        "COMPOSE_FILE names 'docker-compose.sync.yaml', which does not exist (set in .env)"]
    assert problems[0].location == Location(root / ".env", _line_of(root / ".env", "COMPOSE_FILE="))
    assert found.files == [root / "docker-compose.yml"]  # the part that exists is still read


def test_a_missing_file_of_compose_file_in_the_shell_says_so(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    found = discover(ProjectOptions(path=tmp_path, env={"COMPOSE_FILE": "compose.ci.yaml"}))
    assert [p.message for p in found.problems] == [
        "COMPOSE_FILE names 'compose.ci.yaml', which does not exist (set in the shell's environment)"]


def test_github_and_sarif_name_the_dotenv_line(shared_dir: Path, tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    root = _laradock(shared_dir, tmp_path)
    line = _line_of(root / ".env", "COMPOSE_FILE=")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "GITHUB_"))}
    env.update(DOCTOR_NO_CACHE="1", HOME=str(tmp_path / "home"))

    def doctor(fmt: str) -> str:
        done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "compose-config",
                               "--format", fmt], cwd=root, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done.stderr
        return done.stdout

    assert (f"::error file=.env,line={line},title=compose-config::COMPOSE_FILE names 'docker-compose.sync.yaml', "
            "which does not exist (set in .env)") in doctor("github").splitlines()
    results = json.loads(doctor("sarif"))["runs"][0]["results"]
    where = [r["locations"][0]["physicalLocation"] for r in results if "COMPOSE_FILE" in r["message"]["text"]]
    assert [(w["artifactLocation"]["uri"], w["region"]["startLine"]) for w in where] == [(".env", line)]
