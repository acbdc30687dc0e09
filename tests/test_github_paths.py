"""Annotations and code-scanning alerts name files from the checkout's top, not the compose project's.

GitHub resolves `::error file=F` and a SARIF URI from the repository root. A project in
`docker/` must say `docker/.env`. doctor found the root by a `.git` upwards only: a checkout
without one (actions/checkout falls back to the REST API tarball when git is missing) or a
project inside a nested repository said `.env`, which GitHub puts on no file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from doctor.engine import Report
from doctor.model import CheckResult, Finding, Location, Severity, Status
from doctor.redact import Redactor
from doctor.report import RenderOptions, github, junit, sarif

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def report_in(project: Path) -> Report:
    project.mkdir(parents=True, exist_ok=True)
    (project / "compose.yaml").write_text("services: {}\n")
    (project / ".env").write_text("A=1\n")
    finding = Finding("env-drift", Severity.ERROR, "m", Location(project / ".env", 1), "A")
    return Report(project, (CheckResult("env-drift", "s", Status.FAILED, (finding,)),),
                  compose_files=(project / "compose.yaml",))


def annotated_file(report: Report) -> str:
    first = github.render(report, Redactor(), RenderOptions()).splitlines()[0]
    return first.split("file=", 1)[1].split(",", 1)[0]


def sarif_run(report: Report) -> dict[str, Any]:
    run: dict[str, Any] = json.loads(sarif.render(report, Redactor(), RenderOptions()))["runs"][0]
    return run


def sarif_uri(report: Report) -> tuple[str, str]:
    """The first result's URI and the folder its base (%SRCROOT%) stands for."""
    run = sarif_run(report)
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    return artifact["uri"], run["originalUriBaseIds"][artifact["uriBaseId"]]["uri"]


@pytest.fixture(autouse=True)
def _no_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)  # the tests' own CI sets it


def test_a_checkout_without_git_is_relative_to_the_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = tmp_path / "work" / "repo"
    report = report_in(workspace / "docker")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    assert annotated_file(report) == "docker/.env"
    assert sarif_uri(report) == ("docker/.env", workspace.as_uri() + "/")
    assert "docker/.env:1: error: m" in junit.render(report, Redactor(), RenderOptions())


def test_a_project_in_a_nested_repository_is_relative_to_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "repo"
    (workspace / ".git").mkdir(parents=True)
    (workspace / "vendor" / "stack").mkdir(parents=True)
    (workspace / "vendor" / "stack" / ".git").write_text("gitdir: ../../.git/modules/stack\n")  # a submodule
    report = report_in(workspace / "vendor" / "stack" / "docker")
    assert annotated_file(report) == "docker/.env"  # without the runner's workspace: the submodule's top
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    assert annotated_file(report) == "vendor/stack/docker/.env"
    assert sarif_uri(report) == ("vendor/stack/docker/.env", workspace.as_uri() + "/")


def test_a_workspace_named_through_a_symlink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = tmp_path / "real"
    report = report_in(workspace / "docker")
    (tmp_path / "link").symlink_to(workspace)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "link"))
    assert annotated_file(report) == "docker/.env"


def test_a_project_outside_the_workspace_falls_back_to_its_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "elsewhere"
    (repo / ".git").mkdir(parents=True)
    report = report_in(repo / "docker")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "work"))
    assert annotated_file(report) == "docker/.env"
    assert sarif_uri(report) == ("docker/.env", repo.as_uri() + "/")


def test_no_workspace_and_no_repository_is_relative_to_the_project(tmp_path: Path) -> None:
    report = report_in(tmp_path / "docker")
    assert annotated_file(report) == ".env"
    assert sarif_uri(report) == (".env", (tmp_path / "docker").as_uri() + "/")


@pytest.mark.parametrize("with_git", [True, False], ids=["git-checkout", "tarball-checkout"])
def test_the_reviewers_setup_end_to_end(tmp_path: Path, with_git: bool) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "broken-stack", repo / "docker")
    if with_git:
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(repo), "HOME": str(tmp_path),
           "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"}
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "docker"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120)
    files = {line.split("file=", 1)[1].split(",", 1)[0] for line in done.stdout.splitlines() if "file=" in line}
    assert "docker/.env" in files, done.stdout + done.stderr
    assert all(f.startswith("docker/") for f in files), files


def test_messages_name_paths_from_the_checkout_whether_github_was_asked_for_or_chosen(tmp_path: Path) -> None:
    # a GitHub job runs doctor from the checkout's top, or from the project's folder: the paths in the
    # messages are the ones the annotation's file= uses, with --format github or without it
    repo = tmp_path / "repo"
    (repo / "docker").mkdir(parents=True)
    (repo / "docker" / "compose.yaml").write_text("services:\n  app:\n    image: x\n    env_file: config/app.env\n")
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(repo), "HOME": str(tmp_path),
           "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"}
    said = set()
    for cwd, args in ((repo, ["docker"]), (repo, ["docker", "--format", "github"]), (repo / "docker", []),
                      (repo / "docker", ["--format", "github"])):
        done = subprocess.run([sys.executable, "-m", "doctor", "preflight", *args, "--select", "compose-config"],
                              cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        (line,) = [line for line in done.stdout.splitlines() if line.startswith("::error")]
        said.add(line)
    (line,) = said
    assert "file=docker/compose.yaml" in line and "env file docker/config/app.env not found" in line, line
    # the line to write into compose.yaml names the file as compose reads it there: from docker/
    assert "`env_file: [{path: config/app.env, required: false}]`" in line, line
