"""compose-config says one cause once, where compose says it, in words that point at it.

Reproduced by an auditor on real projects:

- bookwyrm-social/bookwyrm: seven services load `env_file: .env` and a fresh clone has only
  `.env.example`; compose stops once (`env file .../.env not found`), doctor said it seven times.
- A failed `extends:` (a missing file or base service) also brought "service 'worker' has neither an
  image nor a build context specified"; compose reports the first only (`open .../base.yml: no such
  file or directory`), and the image was to come from the base.
- seanmorley15/AdventureLog's docker/docker-compose.advanced.yml loads `../.env.advanced`; run from
  docker/, the message named it by its absolute path while env-drift wrote `../.env.advanced`.
- A YAML merge of a scalar (`x-a: &a always`, then `<<: *a`) was reported at the anchor's line 1,
  not at the `<<:` line compose refuses (`yaml: map merge requires map or sequence of maps as the value`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from trees import write_tree

from doctor.engine import Report, RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions
from doctor.redact import Redactor
from doctor.report import RenderOptions, console, sarif
from doctor.report import json as json_report

# bookwyrm's docker-compose.yml, the services that load .env in its order (db first: its env_file at line 6 here)
BOOKWYRM_SERVICES = ("db", "web", "redis_activity", "redis_broker", "celery_worker", "celery_beat", "flower")


def _bookwyrm(root: Path, services: tuple[str, ...] = BOOKWYRM_SERVICES) -> Path:
    body = "".join(f"  {name}:\n    image: busybox\n    env_file: .env\n" for name in services)
    return write_tree(root, {"docker-compose.yml": "services:\n  nginx:\n    image: nginx\n" + body,
                             ".env.example": "DOMAIN=your.domain.here\nDEBUG=false\n"})


def _env(root: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "XDG_STATE_HOME": str(root.parent / "state"),
            "DOCTOR_NO_CACHE": "1", "DOCKER_HOST": f"unix://{root.parent}/no-engine.sock"}


def _report(root: Path, cwd: Path | None = None, files: tuple[Path, ...] = ()) -> Report:
    env = _env(root)
    options = ProjectOptions(path=root, files=files, env=env, cwd=cwd)
    return preflight(RunOptions(project=options, select=("compose-config",), env=env), load_registry()).report


def _findings(report: Report) -> list[Finding]:
    return [f for r in report.results for f in r.findings if f.check == "compose-config"]


def test_one_missing_env_file_many_services_load_is_one_error(tmp_path: Path) -> None:
    root = _bookwyrm(tmp_path / "bookwyrm")
    report = _report(root)
    [found] = _findings(report)
    assert found.message == "env file .env not found: 'db', 'web' and 5 more services load it"
    assert found.location is not None and (found.location.path.name, found.location.line) == ("docker-compose.yml", 6)
    assert found.subject == "env-file:env file .env not found"
    assert found.fix is None  # the copy of .env.example is env-drift's, as before
    # every reporter says the same one finding
    rendered = json.loads(json_report.render(report, Redactor(), RenderOptions()))
    assert [(f["message"], f["line"], f["fingerprint"]) for f in rendered["findings"]] == [
        (found.message, 6, found.fingerprint)]
    results = json.loads(sarif.render(report, Redactor(), RenderOptions()))["runs"][0]["results"]
    assert [(r["message"]["text"], r["partialFingerprints"]["doctor/v1"]) for r in results] == [
        (found.message, found.fingerprint)]
    assert console.render(report, Redactor(), RenderOptions(cwd=root)).count("env file .env not found") == 1


def test_the_fingerprint_holds_across_runs_and_an_added_service(tmp_path: Path) -> None:
    root = _bookwyrm(tmp_path / "bookwyrm")
    [first] = _findings(_report(root))
    [again] = _findings(_report(root))
    _bookwyrm(root, (*BOOKWYRM_SERVICES, "anubis"))
    [more] = _findings(_report(root))
    assert "and 6 more services load it" in more.message
    assert first.fingerprint == again.fingerprint == more.fingerprint


def test_one_service_and_different_files_stay_apart(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"compose.yaml": (
        "services:\n  web:\n    image: busybox\n    env_file: web.env\n"
        "  worker:\n    image: busybox\n    env_file: worker.env\n")})
    found = _findings(_report(root))
    assert [(f.message, f.location and f.location.line) for f in found] == [
        ("env file web.env not found", 4), ("env file worker.env not found", 7)]


def test_an_optional_loader_is_not_named(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"compose.yaml": (
        "services:\n  web:\n    image: busybox\n    env_file: .env\n"
        "  worker:\n    image: busybox\n    env_file: [{path: .env, required: false}]\n"
        "  beat:\n    image: busybox\n    env_file: .env\n")})
    [found] = _findings(_report(root))
    assert found.message == "env file .env not found: 'web', 'beat' load it"


def test_a_failed_extends_is_the_one_error_of_its_service(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"compose.yaml": (
        "services:\n  web:\n    image: nginx\n"
        "  worker:\n    extends:\n      file: base.yml\n      service: app\n"
        "  other:\n    extends:\n      service: nope\n"
        "  chained:\n    extends: worker\n"
        "  bare:\n    command: sleep 1\n")})
    said = [(f.message, f.location and f.location.line) for f in _findings(_report(root))]
    assert said == [("cannot read extended file 'base.yml'", 5),
                    ("cannot extend service 'other': service 'nope' not found", 9),
                    ("service 'bare' has neither an image nor a build context specified", 13)]


def test_an_env_file_above_the_project_is_shown_as_the_project_shows_paths(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "AdventureLog", {
        ".env.advanced.example": "PUBLIC_SERVER_URL=http://server:8000\n",
        "docker/docker-compose.advanced.yml": (
            "services:\n  web:\n    image: busybox\n    env_file: ../.env.advanced\n")})
    docker = repo / "docker"
    [found] = _findings(_report(docker, cwd=docker, files=(docker / "docker-compose.advanced.yml",)))
    assert found.message == "env file ../.env.advanced not found"
    assert found.subject == "env-file:env file ../.env.advanced not found"


def test_a_scalar_merged_is_reported_at_the_merge_line(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"compose.yaml": (
        "x-a: &a always\nservices:\n  web:\n    image: nginx\n    <<: *a\n")})
    [found] = _findings(_report(root))
    assert found.location is not None and found.location.line == 5
    assert found.message == ("map merge requires map or sequence of maps as the value "
                             "(the anchor it merges, at line 1, is a scalar)")


def test_a_scalar_written_at_the_merge_is_reported_there(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"compose.yaml": (
        "services:\n  web:\n    image: nginx\n    <<:\n      - a\n")})
    [found] = _findings(_report(root))
    assert found.location is not None and found.location.line == 4
    assert found.message == "map merge requires map or sequence of maps as the value"


def _advanced(root: Path, template: bool = True) -> Path:
    """AdventureLog's advanced setup, run as its docs say from the repo root (`docker compose --env-file
    .env.advanced -f docker/docker-compose.advanced.yml`) on a clone with no .env.advanced yet."""
    services = "".join(f"  {name}:\n    image: busybox\n    env_file: ../.env.advanced\n"
                       for name in ("web", "db", "server"))
    tree = {"docker/docker-compose.advanced.yml": "services:\n" + services}
    if template:
        tree[".env.advanced.example"] = "PUBLIC_SERVER_URL=http://server:8000\n"
    return write_tree(root, tree)


def _advanced_report(root: Path) -> Report:
    env = _env(root)
    options = ProjectOptions(path=root, files=(root / "docker/docker-compose.advanced.yml",), env=env, cwd=root,
                             env_files=(root / ".env.advanced",))
    return preflight(RunOptions(project=options, select=("compose-config",), env=env), load_registry()).report


def test_a_missing_env_file_named_by_env_file_and_by_env_file_lines_is_said_once(tmp_path: Path) -> None:
    # compose stops at the --env-file (`couldn't find env file: .../.env.advanced`) before any service's
    # env_file line: the one finding is that, naming the services that load it too
    root = _advanced(tmp_path / "AdventureLog")
    [found] = _findings(_advanced_report(root))
    assert found.message == "couldn't find env file: .env.advanced ('web', 'db', 'server' load it too)"
    # the subject as compose-config writes a missing env file's from the project folder (docker/)
    assert found.subject == "env-file:couldn't find env file: ../.env.advanced"
    assert found.fix is None  # the copy of .env.advanced.example is env-drift's, as before


def test_a_missing_env_file_without_template_keeps_the_advice_that_helps(tmp_path: Path) -> None:
    # making the env_file lines optional would not help: --env-file still names the file
    root = _advanced(tmp_path / "AdventureLog", template=False)
    [found] = _findings(_advanced_report(root))
    assert found.fix is not None and found.fix.title == (
        "create .env.advanced with the variables that 'db', 'server', 'web' read from it "
        "(no template beside it to copy)")


def test_compose_config_is_not_partial_about_the_env_file_it_says_once(tmp_path: Path) -> None:
    # its one finding stands for the env_file lines it names: it saw all there was, as for one service
    from doctor import app

    for root, extra in ((_bookwyrm(tmp_path / "bookwyrm"), {}),
                        (_advanced(tmp_path / "AdventureLog"),
                         {"files": (tmp_path / "AdventureLog/docker/docker-compose.advanced.yml",),
                          "env_files": (tmp_path / "AdventureLog/.env.advanced",)})):
        out = io.StringIO()
        app.preflight(app.PreflightOptions(path=root, format="json", env=_env(root), **extra), out)
        said = json.loads(out.getvalue())
        [checked] = [c for c in said["checks"] if c["id"] == "compose-config"]
        assert (checked["status"], checked.get("reason")) == ("failed", None), root.name
        assert said["facts"]["partial_input"]["reported_by"] == ["compose-config"], root.name
