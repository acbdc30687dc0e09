"""The CI files a team copies: workflow examples, the pre-commit hook, the composite action.

Each is parsed for the keys its host (GitHub Actions, GitLab CI, pre-commit) needs, and the
doctor command lines it holds are executed as that host would run them (bash, the step's
env, the inputs' defaults), on copies of examples/, and their reports validated: SARIF against
the 2.1.0 schema, JUnit against the XSD GitLab and Jenkins read. Steps that install doctor
from a registry are not run (no registry here); doctor is the one under test, on PATH.

The clean stack publishes 8094/8000/1080/5433, which other tests on this machine may hold:
the copies get a ports overlay through COMPOSE_FILE (ephemeral host ports), which doctor and
compose both honour, so port-collision checks the same stack without racing for ports.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
JUNIT_XSD = Path(__file__).resolve().parent / "reports" / "junit.xsd"
STATIC = ("compose-config", "service-name-drift", "leaked-host-port", "missing-mount", "env-drift")
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]  # how Actions runs `shell: bash`
PORTS_OVERLAY = """\
services:
  traefik: {ports: !override ["80"]}
  db: {ports: !override ["5432"]}
  backend: {ports: !override ["8000"]}
  mailcatcher: {ports: !override ["1080"]}
"""
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def workflow_on(workflow: Mapping[Any, Any]) -> Any:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def copy_examples(tmp_path: Path) -> Path:
    """examples/ copied under tmp_path/work, each stack with the ports overlay beside it."""
    work = tmp_path / "work"
    shutil.copytree(EXAMPLES, work / "examples", ignore=shutil.ignore_patterns("plugin", "__pycache__"))
    for stack in ("clean-stack", "broken-stack"):
        (work / "examples" / stack / "compose.ports.yaml").write_text(PORTS_OVERLAY)
    return work


def ports_env(stack: Path) -> dict[str, str]:
    files = [stack / "compose.yaml", stack / "compose.override.yaml", stack / "compose.ports.yaml"]
    return {"COMPOSE_FILE": os.pathsep.join(str(f) for f in files)}


@pytest.fixture(scope="module")
def doctor_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding only `doctor` (the one under test): the dev venv's bin/ would also put its
    pytest first on PATH, a real path-gap against the login shell's, which is not under test here."""
    folder = tmp_path_factory.mktemp("runner-bin")
    (folder / "doctor").write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m doctor \"$@\"\n")
    (folder / "doctor").chmod(0o755)
    return folder


def runner_env(doctor_bin: Path, **extra: str) -> dict[str, str]:
    """A CI runner's environment, with the doctor under test first on PATH (see `doctor_bin`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GITLAB_", "COMPOSE_"))}
    env["PATH"] = f"{doctor_bin}{os.pathsep}{env.get('PATH', '')}"
    env["CI"] = "true"
    env.update(extra)
    return env


def run_script(script: str, cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BASH, "-c", script], cwd=cwd, env=dict(env), capture_output=True, text=True,
                          timeout=180)


def validate_sarif(path: Path, shared_dir: Path) -> dict[str, Any]:
    import jsonschema

    sarif: dict[str, Any] = json.loads(path.read_text())
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(sarif, schema)
    return sarif


def validate_junit(path: Path) -> ET.Element:
    import xmlschema

    xmlschema.XMLSchema(str(JUNIT_XSD)).validate(str(path))
    return ET.parse(path).getroot()


def evaluate(text: str, context: Mapping[str, str]) -> str:
    """`${{ inputs.x }}`-style expressions replaced from context (only plain names are used here)."""
    return EXPRESSION.sub(lambda m: context[m.group(1)], text)


def doctor_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in steps if "doctor " in str(s.get("run", "")) and "pip install" not in str(s.get("run", ""))]


# -- examples/ci/github-doctor.yml --------------------------------------------------------------

def test_github_workflow_has_install_preflight_and_upload() -> None:
    workflow = load(EXAMPLES / "ci" / "github-doctor.yml")
    assert set(workflow_on(workflow)) == {"push", "pull_request"}
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["doctor"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/checkout@") and uses[1].startswith("actions/setup-python@")
    runs = [str(s.get("run", "")) for s in steps]
    install = next(i for i, r in enumerate(runs) if "pip install" in r)
    preflight = next(i for i, r in enumerate(runs) if "doctor preflight" in r)
    assert install < preflight and runs[preflight] == "doctor preflight --format sarif --output doctor.sarif"
    upload = steps[-1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "always()" in upload["if"] and upload["with"]["sarif_file"] == "doctor.sarif"


def test_github_workflow_commands_run_and_write_valid_sarif(tmp_path: Path, shared_dir: Path, doctor_bin: Path) -> None:
    workflow = load(EXAMPLES / "ci" / "github-doctor.yml")
    job = workflow["jobs"]["doctor"]
    (step,) = doctor_steps(job["steps"])
    work = copy_examples(tmp_path)
    for stack, status in (("clean-stack", 0), ("broken-stack", 1)):
        root = work / "examples" / stack
        env = runner_env(doctor_bin, GITHUB_ACTIONS="true", **workflow.get("env", {}), **ports_env(root))
        done = run_script(step["run"], root, env)
        assert done.returncode == status, done.stdout + done.stderr
        assert "checks (" in done.stdout  # the console summary still reaches the log
        sarif = validate_sarif(root / "doctor.sarif", shared_dir)
        results = sarif["runs"][0]["results"]
        rules = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
        assert set(STATIC) | {"port-collision", "path-gap"} <= rules
        loud = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                for r in results if r["level"] in ("error", "warning")}
        if stack == "clean-stack":
            assert loud == set()
        else:
            assert ("service-name-drift", ".env") in loud and ("missing-mount", "compose.override.yaml") in loud


# -- examples/ci/gitlab-ci.yml ------------------------------------------------------------------

def test_gitlab_job_has_the_junit_report() -> None:
    job = load(EXAMPLES / "ci" / "gitlab-ci.yml")["doctor"]
    assert job["artifacts"]["reports"]["junit"] == "doctor.xml"
    assert job["artifacts"]["when"] == "always"
    assert "pip install" in job["script"][0]
    assert "doctor preflight --format junit --output doctor.xml" in job["script"]


def test_gitlab_job_commands_run_and_write_valid_junit(tmp_path: Path, doctor_bin: Path) -> None:
    job = load(EXAMPLES / "ci" / "gitlab-ci.yml")["doctor"]
    script = "\n".join(line for line in job["script"] if "pip install" not in line)
    work = copy_examples(tmp_path)
    for stack, status in (("clean-stack", 0), ("broken-stack", 1)):
        root = work / "examples" / stack
        env = runner_env(doctor_bin, GITLAB_CI="true", **job["variables"], **ports_env(root))
        done = run_script(script, root, env)
        assert done.returncode == status, done.stdout + done.stderr
        suites = validate_junit(root / job["artifacts"]["reports"]["junit"])
        cases = {case.get("name"): case for case in suites.iter("testcase")}
        assert set(STATIC) <= set(cases)
        failed = {name for name, case in cases.items() if case.find("failure") is not None}
        # (leaked-host-port is not among them: the ports overlay moves db off the 5433 of .env;
        # host-vs-container is: a CI job container is not the backend service, so `make test`'s
        # host pytest still belongs there)
        planted = {"service-name-drift", "missing-mount", "env-drift", "host-vs-container"}
        assert failed == (set() if stack == "clean-stack" else planted)


# -- .pre-commit-hooks.yaml ---------------------------------------------------------------------

def hook() -> dict[str, Any]:
    hooks = load(REPO / ".pre-commit-hooks.yaml")
    assert isinstance(hooks, list) and [h["id"] for h in hooks] == ["doctor"]
    found: dict[str, Any] = hooks[0]
    return found


def test_pre_commit_hook_manifest() -> None:
    found = hook()
    assert found["language"] == "python" and found["pass_filenames"] is False
    assert {"id", "name", "entry", "language"} <= set(found)
    argv = shlex.split(found["entry"])
    assert argv[:3] == ["doctor", "preflight", "--select"] and tuple(argv[3].split(",")) == STATIC
    files = re.compile(found["files"])  # pre-commit applies it with re.search to repo-relative paths
    for path in ("compose.yaml", "docker-compose.yml", "deploy/compose.prod.yaml", "compose.override.yaml",
                 ".env", ".env.example", "backend/Dockerfile", "Dockerfile.dev", "web/app.Dockerfile",
                 "doctor.yaml", "pyproject.toml", "config/prod.env", "env.example"):  # mattermost/docker's template
        assert files.search(path), path
    for path in ("README.md", "backend/app/main.py", "src/environment.py", "composer.json", "docs/compose.md",
                 "migrations/env.py"):
        assert not files.search(path), path


def test_pre_commit_hook_runs_the_static_checks_without_an_engine(tmp_path: Path, doctor_bin: Path) -> None:
    argv = shlex.split(hook()["entry"])
    command = [sys.executable, "-m", "doctor", *argv[1:], "--format", "json"]
    env = runner_env(doctor_bin, DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock")  # would make engine checks skip
    clean = subprocess.run(command, cwd=EXAMPLES / "clean-stack", env=env, capture_output=True, text=True,
                           timeout=120)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    report = json.loads(clean.stdout)
    assert {c["id"]: c["status"] for c in report["checks"]} == dict.fromkeys(STATIC, "passed")
    broken = subprocess.run(command, cwd=EXAMPLES / "broken-stack", env=env, capture_output=True, text=True,
                            timeout=120)
    assert broken.returncode == 1
    statuses = {c["id"]: c["status"] for c in json.loads(broken.stdout)["checks"]}
    assert "skipped" not in statuses.values() and statuses["service-name-drift"] == "failed"


# -- action.yml ---------------------------------------------------------------------------------

def action() -> dict[str, Any]:
    found: dict[str, Any] = load(REPO / "action.yml")
    return found


def test_action_is_a_composite_with_the_inputs_it_uses() -> None:
    found = action()
    assert found["name"] and found["description"] and found["runs"]["using"] == "composite"
    inputs = found["inputs"]
    assert {"path", "args", "format", "output"} <= set(inputs)
    assert all(spec.get("description") and "default" in spec for spec in inputs.values())
    steps = found["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert "pip install" in steps[1]["run"] and steps[1]["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert "doctor preflight" in steps[2]["run"]
    used: set[str] = set()
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"  # composite run steps must name their shell
            assert "${{" not in step["run"]  # inputs reach scripts through env only (no injection)
        used |= {m.split(".", 1)[1] for m in EXPRESSION.findall(yaml.safe_dump(step)) if m.startswith("inputs.")}
    assert used == set(inputs)
    assert found["outputs"]["report"]["value"] == "${{ steps.doctor.outputs.report }}"


def run_action_step(work: Path, inputs: Mapping[str, str],
                    doctor_bin: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    """The action's doctor step as the runner runs it: inputs (defaults overridden) into its env."""
    spec = action()
    step = next(s for s in spec["runs"]["steps"] if s.get("id") == "doctor")
    values = {f"inputs.{name}": str(field["default"]) for name, field in spec["inputs"].items()}
    values.update({f"inputs.{name}": value for name, value in inputs.items()})
    github_output = work / "github_output"
    github_output.write_text("")
    env = runner_env(doctor_bin, GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(github_output),
                     **{key: evaluate(str(value), values) for key, value in step["env"].items()})
    stack = work / inputs.get("path", ".")
    if stack.is_dir():
        env.update(ports_env(stack))
    return run_script(step["run"], work, env), github_output.read_text()


def test_action_runs_doctor_with_its_defaults(tmp_path: Path, shared_dir: Path, doctor_bin: Path) -> None:
    work = copy_examples(tmp_path)
    done, outputs = run_action_step(work, {"path": "examples/clean-stack"}, doctor_bin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs == "report=doctor.sarif\n"
    validate_sarif(work / "doctor.sarif", shared_dir)


def test_action_passes_args_and_fails_the_step_on_findings(tmp_path: Path, doctor_bin: Path) -> None:
    work = copy_examples(tmp_path)
    done, _ = run_action_step(work, {"path": "examples/broken-stack", "format": "junit", "output": "doctor.xml",
                                     "args": f"--select {','.join(STATIC)} --fail-on warning"}, doctor_bin)
    assert done.returncode == 1
    cases = [case.get("name") for case in validate_junit(work / "doctor.xml").iter("testcase")]
    assert sorted(cases) == sorted(STATIC)  # --select reached doctor


def test_action_without_output_prints_the_report(tmp_path: Path, doctor_bin: Path) -> None:
    work = copy_examples(tmp_path)
    done, outputs = run_action_step(work, {"path": "examples/clean-stack", "format": "json", "output": "",
                                           "args": "--select env-drift"}, doctor_bin)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["checks"][0]["id"] == "env-drift"
    assert outputs == "report=\n" and not (work / "doctor.sarif").exists()


# -- .github/workflows/doctor.yml (this repository's own) ---------------------------------------

def test_repository_workflow_uses_the_action_and_checks_both_stacks(tmp_path: Path, shared_dir: Path,
                                                                    doctor_bin: Path) -> None:
    workflow = load(REPO / ".github" / "workflows" / "doctor.yml")
    steps = workflow["jobs"]["examples"]["steps"]
    local = next(s for s in steps if s.get("uses") == "./")
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert "always()" in upload["if"] and upload["with"]["sarif_file"] == local["with"]["output"]
    work = copy_examples(tmp_path)
    done, _ = run_action_step(work, local["with"], doctor_bin)
    assert done.returncode == 0, done.stdout + done.stderr
    validate_sarif(work / local["with"]["output"], shared_dir)
    (broken,) = doctor_steps(steps)
    checked = run_script(broken["run"], work, runner_env(doctor_bin, GITHUB_ACTIONS="true"))
    assert checked.returncode == 0, checked.stdout + checked.stderr  # the step passes because doctor exits 1
    assert "POSTGRES_SERVER=postgresserver names no service" in checked.stdout
    assert "::error" not in checked.stdout  # console, not annotations, for the planted faults


def test_the_ci_examples_say_what_to_install_when_nothing_is_set(tmp_path: Path) -> None:
    """doctor is not on PyPI: the examples' `pip install devenv-doctor` failed at their first step. The
    install now stops on an empty DOCTOR_SPEC with a line saying what to set."""
    github = load(EXAMPLES / "ci" / "github-doctor.yml")
    gitlab = load(EXAMPLES / "ci" / "gitlab-ci.yml")["doctor"]
    assert github["env"]["DOCTOR_SPEC"] == "" and gitlab["variables"]["DOCTOR_SPEC"] == ""
    install = next(str(s["run"]) for s in github["jobs"]["doctor"]["steps"] if "pip install" in str(s.get("run", "")))
    for script in (install, gitlab["script"][0]):
        done = run_script(script, tmp_path, {"PATH": os.environ["PATH"], "DOCTOR_SPEC": ""})
        assert done.returncode == 1 and "set DOCTOR_SPEC to a git URL or wheel of doctor" in done.stdout
