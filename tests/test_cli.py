"""The CLI end to end, as a user runs it: exit codes, formats, bad input, secrets, lazy imports."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
CHECK_IDS = [
    "compose-config", "compose-version", "dotenv-override", "env-drift", "host-gateway", "host-vs-container",
    "image-availability", "leaked-host-port", "missing-mount", "path-gap", "port-collision", "root-owned-files",
    "runtime-drift", "script-line-endings", "service-name-drift", "volume-shadowing",
]


def doctor(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "doctor", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_version() -> None:
    done = doctor("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("doctor ")


def test_list_names_every_check() -> None:
    done = doctor("list")
    assert done.returncode == 0, done.stdout + done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines()]
    assert listed == CHECK_IDS


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_explain_every_check(check_id: str) -> None:
    done = doctor("explain", check_id)
    assert done.returncode == 0
    for heading in ("What it finds", "Why it matters", "Example", "Fix"):
        assert heading in done.stdout


def test_explain_unknown_check_is_a_usage_error() -> None:
    done = doctor("explain", "no-such-check")
    assert done.returncode == 2
    assert "unknown check 'no-such-check'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("typed", ["port-colision", "PORT-COLLISION"])
def test_explain_a_misspelt_check_names_the_one_meant(typed: str) -> None:
    # as --select says it: a newcomer's typo (or caps) in `doctor explain` gets the id to type
    done = doctor("explain", typed)
    assert done.returncode == 2
    assert f"unknown check '{typed}' (did you mean 'port-collision'?)" in done.stderr


def test_select_in_capitals_names_the_id_meant() -> None:
    done = doctor("preflight", "--select", "PORT-COLLISION", str(REPO / "examples" / "clean-stack"))
    assert done.returncode == 2
    assert "unknown check id 'PORT-COLLISION' (did you mean 'port-collision'?)" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("preflight", "/no/such/dir"),
        ("preflight", "--select", "no-such-check", "examples/clean-stack"),
        ("preflight", "--fail-on", "sometimes", "examples/clean-stack"),
        ("preflight", "--format", "yaml", "examples/clean-stack"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    done = doctor(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_a_directory_without_compose_file_is_exit_2(tmp_path: Path) -> None:
    done = doctor("preflight", str(tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("typed", ["examples/clean-stack", "examples/clean-stack/compose.yaml"])
def test_a_project_where_the_command_goes_names_the_command_to_paste(typed: str) -> None:
    """`doctor examples/clean-stack`, a newcomer's first guess, was click's bare "No such command"."""
    done = doctor(typed)
    assert done.returncode == 2 and not done.stdout
    advised = re.search(r"run `([^`]+)`", done.stderr)
    assert advised is not None, done.stderr
    assert advised.group(1) == f"doctor preflight {typed}"
    pasted = doctor(*shlex.split(advised.group(1))[1:], "--select", "compose-config")
    assert pasted.returncode == 0, pasted.stdout + pasted.stderr
    assert "No such command 'nope'" in doctor("nope").stderr  # a word that is no path: click's answer, kept
    # a file or folder that is no project (`doctor README.md`, `doctor src`) is no project to advise: click's answer
    for other in ("README.md", "src"):
        assert (REPO / other).exists()
        said = doctor(other).stderr
        assert "is no command" not in said and f"No such command '{other}'" in said, said


def test_the_command_names_are_the_cli_s() -> None:
    import typer

    from doctor.cli import COMMANDS, build_cli

    group = typer.main.get_command(build_cli(None))
    assert set(group.commands) == COMMANDS  # type: ignore[attr-defined]


def test_clean_stack_passes() -> None:
    """A port clean-stack publishes may be held on this machine (a developer's own server, another
    test run's): then port-collision names its holder, and everything else must still pass."""
    ignored = "root-owned-files,path-gap,host-vs-container"
    done = doctor("preflight", "examples/clean-stack", "--ignore", ignored)
    failed = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("✗ ")]
    if failed == ["port-collision"] and re.search(r"is (?:held|taken) by", done.stdout):
        done = doctor("preflight", "examples/clean-stack", "--ignore", ignored + ",port-collision")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✗" not in done.stdout


def test_the_header_names_the_files_profiles_and_project_name_given() -> None:
    # `doctor preflight .` alone would hide that this run read another set of files than compose's default
    done = doctor("preflight", "-f", "compose.yaml", "--profile", "dev", "-p", "demo", "--select", "env-drift",
                  cwd=EXAMPLES / "clean-stack")
    assert done.stdout.splitlines()[0].startswith(
        "doctor preflight . -f compose.yaml --profile dev -p demo  (runs on: "), done.stdout
    plain = doctor("preflight", "--select", "env-drift", cwd=EXAMPLES / "clean-stack")
    assert plain.stdout.splitlines()[0].startswith("doctor preflight .  (runs on: "), plain.stdout


def test_the_header_names_a_compose_file_given_as_path_not_its_folder(tmp_path: Path) -> None:
    """`doctor preflight proj/docker-compose.dev.yml` said `doctor preflight proj`: copied, that
    command reads the folder's default compose files, not the one checked."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "docker-compose.dev.yml").write_text("services:\n  web:\n    image: busybox\n")
    (project / "dev.yml").symlink_to("docker-compose.dev.yml")
    stack = EXAMPLES / "clean-stack"
    runs = {  # what the header names: each command as it opens from where it ran
        "proj/docker-compose.dev.yml": doctor("preflight", "proj/docker-compose.dev.yml", "--select", "env-drift",
                                              cwd=tmp_path),
        "dev.yml": doctor("preflight", "dev.yml", "--select", "env-drift", cwd=project),  # as typed, not resolved
        f"{stack}/compose.yaml": doctor("preflight", str(stack / "compose.yaml"), "--select", "env-drift",
                                        cwd=tmp_path),  # elsewhere: absolute, as a folder is
        "compose.yaml -f compose.override.yaml": doctor("preflight", "compose.yaml", "-f", "compose.override.yaml",
                                                        "--select", "env-drift", cwd=stack),
    }
    for shown, done in runs.items():
        first = done.stdout.splitlines()[0] if done.stdout else done.stderr
        assert first.startswith(f"doctor preflight {shown}  (runs on: "), done.stdout + done.stderr
    written = doctor("preflight", "proj/docker-compose.dev.yml", "--select", "env-drift", "-o", "report.txt",
                     cwd=tmp_path)
    assert written.returncode == 0, written.stdout + written.stderr
    assert (tmp_path / "report.txt").read_text().startswith("doctor preflight proj/docker-compose.dev.yml  (runs on: ")


def test_the_header_of_a_folder_with_a_space_is_a_command_that_runs(tmp_path: Path) -> None:
    """The header printed `doctor preflight x y/clean stack`, which pasted into a shell names three
    folders; quoted, the command it shows is the one that ran."""
    shutil.copytree(EXAMPLES / "clean-stack", tmp_path / "x y" / "clean stack")
    done = doctor("preflight", "x y/clean stack", "--select", "env-drift", cwd=tmp_path)
    head = done.stdout.splitlines()[0]
    assert head.startswith("doctor preflight 'x y/clean stack'  (runs on: "), done.stdout + done.stderr
    words = shlex.split(head.split("  (runs on: ")[0])
    assert words == ["doctor", "preflight", "x y/clean stack"]
    again = doctor(*words[1:], "--select", "env-drift", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout.splitlines()[0] == head, again.stdout + again.stderr


@pytest.mark.parametrize(("cwd", "shown"), [("repo", "sub/missing.env"), ("sub", "missing.env")])
def test_a_loader_message_names_its_file_as_it_opens_from_here(tmp_path: Path, cwd: str, shown: str) -> None:
    # compose resolves the env file to an absolute path; the finding names it like its location
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    env_file: missing.env\n")
    here = tmp_path if cwd == "repo" else tmp_path / "sub"
    done = doctor("preflight", "sub" if cwd == "repo" else ".", "--select", "compose-config", cwd=here)
    assert f"env file {shown} not found" in done.stdout, done.stdout
    assert str(tmp_path) not in done.stdout
    report = json.loads(doctor("preflight", ".", "--select", "compose-config", "--format", "json",
                               cwd=tmp_path / "sub").stdout)
    assert report["facts"]["partial_input"]["reported_by"] == ["compose-config"]


def test_broken_stack_fails_with_findings_and_fixes() -> None:
    done = doctor("preflight", "examples/broken-stack")
    assert done.returncode == 1, done.stdout + done.stderr
    for check_id in ("service-name-drift", "leaked-host-port", "missing-mount", "env-drift"):
        assert f"✗ {check_id}" in done.stdout or f"! {check_id}" in done.stdout, check_id
    assert "fix:" in done.stdout
    assert "\x1b[" not in done.stdout, "no colour when piped"


def test_json_contract() -> None:
    done = doctor("preflight", "--format", "json", "examples/broken-stack")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["version"] == 1
    assert {c["id"] for c in document["checks"]} >= set(CHECK_IDS) - {"compose-config"}
    assert document["findings"]
    for finding in document["findings"]:
        assert set(finding) >= {"check", "severity", "message", "file", "line", "subject", "fix"}
        assert finding["severity"] in ("error", "warning", "info")
        if finding["fix"] is not None:
            assert finding["fix"]["title"]
    assert "context" in document["facts"]


def test_fail_on_warning_and_ignore() -> None:
    selected = ("--select", "env-drift", "examples/broken-stack")
    assert doctor("preflight", "--fail-on", "info", *selected).returncode == 1
    ignored = doctor("preflight", "--ignore", "env-drift", "--select", "env-drift,compose-version",
                     "examples/broken-stack")
    assert ignored.returncode == 0, ignored.stdout + ignored.stderr
    assert "env-drift" not in ignored.stdout and "compose-version" in ignored.stdout


@pytest.mark.parametrize("args", [("--select", "env-drift", "--ignore", "env-drift"),
                                  ("--select", "env-drift,path-gap", "--ignore", "path-gap,env-drift"),
                                  ("--ignore", ",".join(CHECK_IDS))])
def test_an_ignore_that_removes_every_check_is_a_usage_error(args: tuple[str, ...]) -> None:
    """A run of no check printed `0 checks ()` and exited 0: a gate that ran nothing passed."""
    done = doctor("preflight", *args, "examples/broken-stack")
    assert (done.returncode, done.stdout) == (2, ""), done.stdout + done.stderr
    chose = " --select chose" if "--select" in args else ""
    assert done.stderr == f"doctor: nothing to run: --ignore removes every check{chose}\n"


def test_a_config_file_whose_ignore_removes_every_check_is_named_at_its_lines(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "clean-stack", tmp_path / "stack")
    (tmp_path / "stack" / "doctor.yaml").write_text("select: [env-drift]\nignore: [env-drift]\n")
    done = doctor("preflight", str(tmp_path / "stack"))
    assert done.returncode == 2
    assert done.stderr == ("doctor: nothing to run: ignore (doctor.yaml:2) removes every check select (doctor.yaml:1) "
                           "chose\n")
    done = doctor("preflight", "--select", "env-drift", "--ignore", "path-gap", str(tmp_path / "stack"))
    assert done.returncode == 0, done.stdout + done.stderr  # the flags over the file: env-drift runs


def _secrets_of_broken_stack() -> list[str]:
    secrets = []
    for line in (EXAMPLES / "broken-stack" / ".env").read_text().splitlines():
        key, _, value = line.partition("=")
        if any(word in key for word in ("PASSWORD", "SECRET", "TOKEN")) and len(value) >= 4:
            secrets.append(value.strip("'\""))
    assert secrets, "the broken stack must carry secrets to prove masking"
    return secrets


@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "github"])
def test_no_secret_in_any_format(fmt: str) -> None:
    done = doctor("preflight", "--format", fmt, "examples/broken-stack")
    assert done.returncode == 1, done.stderr
    for secret in _secrets_of_broken_stack():
        assert secret not in done.stdout + done.stderr, f"{fmt} printed a secret"


def test_output_file_gets_the_report_and_console_the_summary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    done = doctor("preflight", "--format", "json", "--output", str(target), "examples/broken-stack")
    assert done.returncode == 1
    assert json.loads(target.read_text())["version"] == 1
    assert done.stdout.endswith(f"· report in {target}\n") and done.stdout.count("\n") == 1, done.stdout


def test_preflight_does_not_import_rich_or_the_docker_sdk() -> None:
    code = (
        "import sys\n"
        "from doctor.cli import main\n"
        "try:\n"
        "    main(['preflight', '--select', 'service-name-drift,leaked-host-port,env-drift,missing-mount',"
        " 'examples/clean-stack'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'docker', 'psutil')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_config_file_errors_exit_2_with_file_and_line(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    (project / "doctor.yaml").write_text("select:\n  - env-drift\nfail_on: warning\n")
    done = doctor("preflight", str(project))
    assert done.returncode == 2
    assert "doctor.yaml:3" in done.stderr and "fail_on" in done.stderr
    assert "Traceback" not in done.stderr
    # the file as it opens from where doctor runs, as a finding's is (it was absolute from anywhere)
    said = "unknown key 'fail_on' (did you mean 'fail-on'?)\n"
    assert doctor("preflight", cwd=project).stderr == f"doctor: doctor.yaml:3: {said}"
    assert doctor("preflight", "proj", cwd=tmp_path).stderr == f"doctor: proj/doctor.yaml:3: {said}"
    (project / "sub").mkdir()
    assert doctor("config", "..", cwd=project / "sub").stderr == f"doctor: ../doctor.yaml:3: {said}"


def test_flags_override_the_config_file_and_config_says_where_values_come_from(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    environment:\n"
                                          "      A: ${UNSET_FOR_DOCTOR_TEST}\n")
    (project / "doctor.yaml").write_text("select: [env-drift]\nfail-on: warning\n")
    assert doctor("preflight", str(project)).returncode == 1  # env-drift warning fails at fail-on warning
    assert doctor("preflight", "--fail-on", "error", str(project)).returncode == 0  # the flag wins
    shown = doctor("config", str(project))
    assert shown.returncode == 0
    assert "doctor.yaml:2" in shown.stdout and "doctor.yaml:1" in shown.stdout


def _devenv(root: Path) -> Path:
    """penpot's layout: docker/devenv/docker-compose.yaml interpolated from defaults.env, named by
    COMPOSE_ENV_FILES or --env-file (compose reads no .env there)."""
    devenv = root / "docker" / "devenv"
    devenv.mkdir(parents=True)
    (devenv / "defaults.env").write_text("PENPOT_PORT=3449\nIMG=doctor-busybox:test\n")
    (devenv / "docker-compose.yaml").write_text('services:\n  main:\n    image: ${IMG}\n'
                                                '    ports:\n      - "${PENPOT_PORT}:80"\n')
    return root


@pytest.mark.parametrize("fast", [True, False])
def test_env_file_interpolates_and_the_header_names_it(tmp_path: Path, fast: bool) -> None:
    root = _devenv(tmp_path)
    where = ["docker/devenv"] if fast else ["-f", "docker/devenv/docker-compose.yaml"]  # -f goes through typer
    named = ["--env-file", "docker/devenv/defaults.env"]
    plain = doctor("preflight", *where, "--select", "env-drift", cwd=root)
    assert plain.returncode == 1 and "'IMG' is not set" in plain.stdout, plain.stdout + plain.stderr
    done = doctor("preflight", *where, *named, "--select", "env-drift", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    given = ("" if fast else "-f docker/devenv/docker-compose.yaml ") + "--env-file docker/devenv/defaults.env"
    assert done.stdout.splitlines()[0].startswith(f"doctor preflight docker/devenv {given}  (runs on: "), done.stdout
    by_variable = doctor("preflight", *where, "--select", "env-drift", cwd=root,
                         env={"COMPOSE_ENV_FILES": "docker/devenv/defaults.env"} if not fast else
                         {"COMPOSE_ENV_FILES": "defaults.env"})  # relative to where compose runs: PATH
    assert by_variable.returncode == 0, by_variable.stdout + by_variable.stderr
    missing = doctor("preflight", *where, "--env-file", "nope.env", "--select", "compose-config", cwd=root)
    assert missing.returncode == 1 and "couldn't find env file: nope.env" in missing.stdout, missing.stdout


def test_fix_why_and_ports_take_env_file(tmp_path: Path) -> None:
    root = _devenv(tmp_path)
    named = ("--env-file", "docker/devenv/defaults.env")
    ports = doctor("ports", "docker/devenv", *named, "--json", cwd=root)
    (checkout,) = json.loads(ports.stdout)["checkouts"]
    assert [p["port"] for p in checkout["ports"]] == [3449], ports.stdout
    fixed = doctor("fix", "--mounts", "--dry-run", *named, "docker/devenv", cwd=root)
    assert fixed.returncode == 0 and "nothing to fix" in fixed.stdout, fixed.stdout + fixed.stderr
    why = doctor("why", "docker/devenv", *named, "-p", "doctor-test-no-such-project", cwd=root)
    assert why.returncode == 2 and "No such option" not in why.stderr, why.stdout + why.stderr


def test_a_missing_compose_file_given_with_f_is_a_usage_error() -> None:
    done = doctor("preflight", "-f", "nope.yaml", "examples/clean-stack")
    assert done.returncode == 2
    assert "nope.yaml: no such compose file" in done.stderr
    assert done.stdout == ""


def test_no_compose_file_stops_before_any_check_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a compose file nothing is scanned: `doctor preflight /` must not walk the disk first."""
    from doctor import app, engine
    from doctor.model import Check

    ran: list[str] = []

    class Records(Check):
        """records that it ran"""

        id = "records"

        def run(self, project: object, host: object) -> list[object]:  # type: ignore[override]
            ran.append(self.id)
            return []

    monkeypatch.setattr(engine, "load_registry", lambda **_: engine.Registry({"records": Records}))
    with pytest.raises(app.UsageError, match="no configuration file provided"):
        app.run_preflight(app.PreflightOptions(path=tmp_path, env={"PATH": "/usr/bin", "HOME": str(tmp_path)}))
    assert ran == []


def test_config_shows_the_compose_files_compose_finds() -> None:
    done = doctor("config", "examples/broken-stack")
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("compose-files"))
    assert "examples/broken-stack/compose.yaml, examples/broken-stack/compose.override.yaml" in row, row
    assert row.rstrip().endswith("compose's discovery") and "(none)" not in row


def test_no_compose_file_names_the_ones_the_folder_holds_and_the_one_its_justfile_uses(tmp_path: Path) -> None:
    """cookiecutter-django: docker-compose.local.yml and friends, and a justfile exporting COMPOSE_FILE,
    which compose alone never reads: the one line says which -f to give."""
    from doctor import app

    env = {"PATH": "/usr/bin", "HOME": str(tmp_path)}
    for name in ("docker-compose.local.yml", "docker-compose.production.yml", "notes.yml"):
        (tmp_path / name).write_text("services: {}\n")
    # the file to give is named as -f reads it, from where doctor runs (the folder was given as PATH)
    local = re.escape(str(tmp_path / "docker-compose.local.yml"))
    with pytest.raises(app.UsageError, match=r"here are docker-compose\.local\.yml, docker-compose\.production"
                                             rf"\.yml: give one with -f, `doctor preflight -f {local}`\)$"):
        app.run_preflight(app.PreflightOptions(path=tmp_path, env=env))
    (tmp_path / "justfile").write_text('export COMPOSE_FILE := "docker-compose.local.yml"\n\ndefault:\n')
    with pytest.raises(app.UsageError, match=r"its justfile sets COMPOSE_FILE=docker-compose\.local\.yml: "
                                             rf"give `doctor preflight -f {local}`\)$"):
        app.run_preflight(app.PreflightOptions(path=tmp_path, env=env))


def test_no_compose_file_in_a_folder_given_by_path_names_the_file_as_typed_from_here(tmp_path: Path) -> None:
    """cookiecutter-django's copy, given as PATH from the folder above: the hint said `-f
    docker-compose.local.yml`, which from there is 'no such compose file'; it now gives the command to
    paste, its path as -f reads it (a folder with a blank quoted)."""
    project = tmp_path / "my stack"
    project.mkdir()
    (project / "docker-compose.local.yml").write_text("services:\n  web:\n    image: doctor-test/none:1\n")
    done = doctor("preflight", "my stack", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.rstrip().endswith(
        "here is docker-compose.local.yml: give it, `doctor preflight -f 'my stack/docker-compose.local.yml'`)")
    pasted = doctor("preflight", "-f", "my stack/docker-compose.local.yml", "--select", "compose-config", cwd=tmp_path)
    assert pasted.returncode == 0, pasted.stderr
    moved = doctor("fix", "--dry-run", cwd=project)
    assert moved.stderr.rstrip().endswith("give it, `doctor fix -f docker-compose.local.yml`)")


def test_no_compose_file_at_the_repo_root_names_the_folders_below_that_hold_one(tmp_path: Path) -> None:
    """dify, plausible: the compose file lives in docker/ (or deploy/dev/); at the repo root the one
    line names it and the folder to give. node_modules and hidden folders are not looked into."""
    from doctor import app

    env = {"PATH": "/usr/bin", "HOME": str(tmp_path)}
    for where in ("docker/docker-compose.yaml", "deploy/dev/compose.yml", "node_modules/x/compose.yaml",
                  ".git/compose.yaml", "a/b/c/compose.yaml"):
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / where).write_text("services: {}\n")
    with pytest.raises(app.UsageError, match=r"compose files are in deploy/dev/compose\.yml, "
                                             r"docker/docker-compose\.yaml: give the folder, `doctor preflight "
                                             rf"{re.escape(str(tmp_path))}/deploy/dev`\)$"):  # a development one first
        app.run_preflight(app.PreflightOptions(path=tmp_path, env=env))


def test_no_compose_file_at_the_root_names_a_base_file_of_any_name_before_a_deeper_compose_yml(tmp_path: Path
                                                                                              ) -> None:
    """intelowlproject/IntelOwl: its stack is docker/default.yml plus docker/*.override.yml (no name
    compose finds by itself, a top-level `services:` each); the hint named integrations/bbot/compose.yml,
    an add-on two levels down. A base file (most `image:`/`build:` lines) comes before its overrides,
    and an override that pulls and builds nothing (traefik_local.yml) is no development stack."""
    from doctor import app

    env = {"PATH": "/usr/bin", "HOME": str(tmp_path)}
    files = {"docker/default.yml": "x-a: &a\n  restart: always\nservices:\n  uwsgi:\n    image: me/app\n"
                                   "  nginx:\n    image: nginx\n",
             "docker/traefik_local.yml": "services:\n  traefik:\n    ports: [\"80:80\"]\n",
             "docker/test.override.yml": "services:\n  uwsgi:\n    build: ..\n",
             "docker/env_file_app.yml": "DJANGO_SECRET: x\n", ".github/workflows/ci.yml": "services:\n  a: {}\n",
             "integrations/bbot/compose.yml": "services:\n  bbot:\n    image: bbot\n"}
    for where, text in files.items():
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / where).write_text(text)
    with pytest.raises(app.UsageError, match=r"compose files are in docker/default\.yml, docker/traefik_local\.yml, "
                                             r"docker/test\.override\.yml and 1 more: give the file, `doctor "
                                             rf"preflight -f {re.escape(str(tmp_path))}/docker/default\.yml`\)$"):
        app.run_preflight(app.PreflightOptions(path=tmp_path, env=env))


def test_no_compose_file_is_no_symfony_services_yaml(tmp_path: Path) -> None:
    """kimai: config/services.yaml is Symfony's service configuration, a top-level `services:` of
    `_defaults: {autowire: true}`; the hint said to give it with -f (ten schema errors followed)."""
    from doctor import app

    env = {"PATH": "/usr/bin", "HOME": str(tmp_path)}
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "services.yaml").write_text(
        "parameters:\n  locale: en\nservices:\n  _defaults:\n    autowire: true\n    autoconfigure: true\n"
        "  App\\:\n    resource: '../src/*'\n")
    with pytest.raises(app.UsageError, match=r"here and in the parent folders; give one with -f\)$"):
        app.run_preflight(app.PreflightOptions(path=tmp_path, env=env))


def test_no_compose_file_at_the_root_names_a_development_compose_file_by_its_own_name(tmp_path: Path) -> None:
    """penpot: docker/devenv/docker-compose.main.yml (no name compose finds by itself) is the
    development one; docker/images/docker-compose.yaml builds production images."""
    from doctor import app

    env = {"PATH": "/usr/bin", "HOME": str(tmp_path)}
    for where in ("docker/devenv/docker-compose.main.yml", "docker/images/docker-compose.yaml",
                  "docker/images/docker-compose.example.yaml"):
        (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / where).write_text("services: {}\n")
    with pytest.raises(app.UsageError, match=r"compose files are in docker/devenv/docker-compose\.main\.yml, "
                                             r"docker/images/docker-compose\.yaml: give the file, `doctor preflight "
                                             rf"-f {re.escape(str(tmp_path))}/docker/devenv/"
                                             r"docker-compose\.main\.yml`\)$"):
        app.run_preflight(app.PreflightOptions(path=tmp_path, env=env))
