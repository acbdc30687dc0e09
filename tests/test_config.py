"""doctor.yaml / [tool.doctor]: one schema, values with their origin, errors with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from doctor.config import (
    Config,
    ConfigError,
    ConfigFlags,
    Origin,
    PortRange,
    load_config,
    render_config,
)
from doctor.model import Finding, Severity

FULL_YAML = """\
# doctor settings for this repo
select: [port-collision, env-drift, path-gap]
ignore:
  - path-gap
severity:
  env-drift: warning
fail-on: warning
compose-files: [compose.yaml, compose.dev.yaml]
profiles: [dev]
exclude: [node_modules, .venv]
tools: [make, poetry]
ports:
  range: 8000-8010
  ranges:
    "feature-*": 8100-8110
suppressions:
  - check: env-drift
    subject: "SENTRY_*"
    reason: sentry is optional in dev
"""

FULL_TOML = """\
[project]
name = "app"

[tool.ruff]
line-length = 100

[tool.doctor]
select = ["port-collision", "env-drift", "path-gap"]
ignore = [
    "path-gap",
]
severity = { env-drift = "warning" }
fail-on = "warning"
compose-files = ["compose.yaml", "compose.dev.yaml"]
profiles = ["dev"]
exclude = ["node_modules", ".venv"]
tools = ["make", "poetry"]

[tool.doctor.ports]
range = "8000-8010"
ranges = { "feature-*" = "8100-8110" }

[[tool.doctor.suppressions]]
check = "env-drift"
subject = "SENTRY_*"
reason = "sentry is optional in dev"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_no_config_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config()
    assert config.fail_on.value is Severity.ERROR and str(config.fail_on.origin) == "default"
    assert config.file is None


def test_a_pyproject_without_tool_doctor_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "devenv-doctor"\n')
    assert load_config(tmp_path) == Config()


def test_a_broken_pyproject_that_does_not_configure_doctor_is_ignored(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project\nname = "doctor-app"\n')
    assert load_config(tmp_path) == Config()


@pytest.mark.parametrize(("name", "text"), [("doctor.yaml", FULL_YAML), ("pyproject.toml", FULL_TOML)])
def test_every_key_is_read_with_its_line(tmp_path: Path, name: str, text: str) -> None:
    config = load_config(tmp_path) if write(tmp_path, name, text) else None
    assert config is not None and config.file == tmp_path / name
    lines = {number: line for number, line in enumerate(text.splitlines(), 1)}

    def at(origin: Origin, key: str) -> None:
        assert origin.source == name
        assert origin.line is not None and lines[origin.line].lstrip().startswith(key), (key, origin)

    assert config.select.value == ("port-collision", "env-drift", "path-gap")
    at(config.select.origin, "select")
    assert config.ignore.value == ("path-gap",)
    at(config.ignore.origin, "ignore")
    assert config.severities == {"env-drift": Severity.WARNING}
    at(config.severity.origin, "severity")
    assert config.fail_on.value is Severity.WARNING
    at(config.fail_on.origin, "fail-on")
    assert config.compose_paths(tmp_path) == (tmp_path / "compose.yaml", tmp_path / "compose.dev.yaml")
    assert config.profiles.value == ("dev",) and config.exclude.value == ("node_modules", ".venv")
    assert config.tools.value == ("make", "poetry")
    ports = config.ports.value
    assert ports.range == PortRange(8000, 8010)
    assert ports.for_project(tmp_path / "feature-login") == PortRange(8100, 8110)
    assert ports.for_project(tmp_path / "main") == PortRange(8000, 8010)
    (suppression,) = config.suppressions.value
    assert (suppression.check, suppression.subject, suppression.reason) == (
        "env-drift",
        "SENTRY_*",
        "sentry is optional in dev",
    )
    assert suppression.origin.line is not None
    assert "env-drift" in lines[suppression.origin.line] or "suppressions" in lines[suppression.origin.line]


@pytest.mark.parametrize(
    ("name", "text", "line", "words"),
    [
        (
            "doctor.yaml",
            "select: [env-drift]\nfail_on: warning\n",
            2,
            "unknown key 'fail_on' (did you mean 'fail-on'?)",
        ),
        ("doctor.yaml", "ports:\n  rang: 8000-8010\n", 2, "unknown key 'ports.rang'"),
        ("doctor.yaml", "select: env-drift\n", 1, "'select' must be a list of strings"),
        ("doctor.yaml", "fail-on: fatal\n", 1, "unknown severity 'fatal'"),
        ("doctor.yaml", "severity:\n  env-drift: loud\n", 2, "'severity.env-drift'"),
        ("doctor.yaml", "ports:\n  range: 9000-8000\n", 2, "1 <= START <= END <= 65535"),
        ("doctor.yaml", "ports:\n  range: 8000\n", 2, "'ports.range' must be a non-empty string"),
        (
            "doctor.yaml",
            "suppressions:\n  - check: env-drift\n    subject: X\n",
            2,
            "a suppression needs 'reason' (say why the finding is accepted)",
        ),
        (
            "doctor.yaml",
            "suppressions:\n  - check: env-drift\n    subject: X\n    reason: r\n    until: 2025\n",
            5,
            "unknown key 'until' in a suppression",
        ),
        ("doctor.yaml", "select: [a]\nselect: [b]\n", 2, "key 'select' is given twice (first on line 1)"),
        ("doctor.yaml", "select: [a\nignore: []\n", 2, "invalid YAML"),
        ("doctor.yaml", "- select\n", 1, "must be a mapping of settings"),
        ("pyproject.toml", "[tool.doctor]\nselect = []\nfail_on = 'warning'\n", 3, "unknown key 'fail_on'"),
        ("pyproject.toml", "[tool.doctor]\n\n[tool.doctor.ports]\nrange = 5\n", 4, "'ports.range'"),
        (
            "pyproject.toml",
            "[tool.doctor]\nselect = []\n\n[[tool.doctor.suppressions]]\ncheck = 'x'\nsubject = 'y'\n",
            4,
            "a suppression needs 'reason'",
        ),
        ("pyproject.toml", "[tool.doctor]\nselect = [\n", 2, "invalid TOML"),
        ("pyproject.toml", "[tool.doctor]\nselect = [1 2]\n", 2, "invalid TOML"),
        ("pyproject.toml", "[tool]\ndoctor = { selekt = [] }\n", 2, "unknown key 'selekt'"),
    ],
)
def test_mistakes_name_file_and_line(tmp_path: Path, name: str, text: str, line: int, words: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert words in str(caught.value)
    assert caught.value.path == path and caught.value.line == line


def test_two_config_files_are_an_error(tmp_path: Path) -> None:
    write(tmp_path, "doctor.yaml", "select: []\n")
    write(tmp_path, "pyproject.toml", "[tool.doctor]\nselect = []\n")
    with pytest.raises(ConfigError, match="keep one of the two"):
        load_config(tmp_path)


def test_an_empty_doctor_yaml_is_the_defaults(tmp_path: Path) -> None:
    write(tmp_path, "doctor.yaml", "# nothing yet\n")
    config = load_config(tmp_path)
    assert config == Config() and config.file == tmp_path / "doctor.yaml"


def test_flags_override_the_file(tmp_path: Path) -> None:
    write(tmp_path, "doctor.yaml", "fail-on: warning\nignore: [path-gap]\nports:\n  range: 8000-8010\n")
    config = load_config(tmp_path).merged_with_flags(
        ConfigFlags(fail_on=Severity.INFO, port_range=PortRange(9000, 9001))
    )
    assert config.fail_on.value is Severity.INFO and str(config.fail_on.origin) == "flag"
    assert config.ignore.value == ("path-gap",) and str(config.ignore.origin) == "doctor.yaml:2"
    assert config.ports.value.range == PortRange(9000, 9001) and str(config.ports.origin) == "flag"
    unchanged = load_config(tmp_path).merged_with_flags(ConfigFlags())
    assert unchanged == load_config(tmp_path)


def test_unknown_check_ids_are_reported_at_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "doctor.yaml", "select: [env-drift]\nignore:\n  - port-colision\n")
    config = load_config(tmp_path)
    with pytest.raises(ConfigError) as caught:
        config.check_known_ids({"env-drift", "port-collision"})
    assert str(caught.value).startswith(
        f"{path}:2: unknown check id 'port-colision' (did you mean 'port-collision'?)"
    )
    load_config(tmp_path).merged_with_flags(ConfigFlags(ignore=())).check_known_ids({"env-drift"})


def test_suppressions_match_check_and_subject_glob(tmp_path: Path) -> None:
    write(
        tmp_path,
        "doctor.yaml",
        "suppressions:\n  - {check: env-drift, subject: 'SENTRY_*', reason: optional}\n",
    )
    (rule,) = load_config(tmp_path).suppressions.value

    def finding(check: str, subject: str) -> Finding:
        return Finding(check, Severity.WARNING, "m", None, subject)

    assert rule.matches(finding("env-drift", "SENTRY_DSN"))
    assert not rule.matches(finding("env-drift", "DATABASE_URL"))
    assert not rule.matches(finding("path-gap", "SENTRY_DSN"))


def test_render_config_shows_value_and_origin(tmp_path: Path) -> None:
    write(tmp_path, "doctor.yaml", FULL_YAML)
    text = render_config(load_config(tmp_path).merged_with_flags(ConfigFlags(profiles=("ci",))))
    rows = {line.split()[0]: line for line in text.splitlines()[1:]}
    assert text.splitlines()[0] == f"# {tmp_path / 'doctor.yaml'}"
    assert rows["fail-on"].split()[1:] == ["warning", "doctor.yaml:7"]
    assert rows["profiles"].split()[1:] == ["ci", "flag"]
    assert (
        rows["select"].endswith("doctor.yaml:2") and "port-collision, env-drift, path-gap" in rows["select"]
    )
    assert "range 8000-8010, feature-*: 8100-8110" in rows["ports"]
    assert "env-drift 'SENTRY_*': sentry is optional in dev" in rows["suppressions"]
    assert rows["suppressions"].endswith("doctor.yaml:17")


def test_render_config_of_the_defaults(tmp_path: Path) -> None:
    text = render_config(load_config(tmp_path))
    rows = {line.split()[0]: line for line in text.splitlines()[1:]}
    assert "defaults" in text.splitlines()[0]
    assert rows["select"].split()[1:] == ["(all", "checks)", "default"]
    assert rows["fail-on"].split()[1:] == ["error", "default"]


def _app_config(path: Path, env: dict[str, str] | None = None) -> tuple[list[str], dict[str, list[str]]]:
    """The compose files a preflight of `path` reads, and `doctor config`'s rows (key -> value words)."""
    import io

    from doctor.app import PreflightOptions, load_effective_config, project_options
    from doctor.commands import show_config
    from doctor.project import Project

    opts = PreflightOptions(path=path, env={"PATH": "/usr/bin:/bin", "HOME": str(path), **(env or {})})
    files = Project(project_options(opts, load_effective_config(opts))).compose.files
    out = io.StringIO()
    show_config(opts, out)
    rows = {line.split()[0]: line.split()[1:] for line in out.getvalue().splitlines()[1:]}
    return [f.name for f in files], rows


def test_a_compose_file_given_as_path_is_what_preflight_and_config_read(tmp_path: Path) -> None:
    """`doctor preflight other.yaml` reads other.yaml alone, as `-f other.yaml` does, even where
    doctor.yaml names compose-files (flags override the file); `doctor config other.yaml` says so."""
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: busybox\n")
    write(tmp_path, "other.yaml", "services:\n  b:\n    image: busybox\n")
    files, rows = _app_config(tmp_path / "other.yaml")
    assert files == ["other.yaml"] and rows["compose-files"] == [str(tmp_path / "other.yaml"), "flag"]
    write(tmp_path, "doctor.yaml", "compose-files: [compose.yaml]\n")
    files, rows = _app_config(tmp_path / "other.yaml")
    assert files == ["other.yaml"] and rows["compose-files"] == [str(tmp_path / "other.yaml"), "flag"]
    files, rows = _app_config(tmp_path)
    assert files == ["compose.yaml"] and rows["compose-files"] == ["compose.yaml", "doctor.yaml:1"]


def test_config_shows_the_profiles_compose_profiles_turns_on(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: busybox\n    profiles: [debug]\n")
    assert _app_config(tmp_path, {"COMPOSE_PROFILES": "debug"})[1]["profiles"] == ["debug", "COMPOSE_PROFILES"]
    write(tmp_path, ".env", "COMPOSE_PROFILES=debug,ci\n")
    assert _app_config(tmp_path)[1]["profiles"] == ["debug,", "ci", "COMPOSE_PROFILES", "(.env:1)"]
    write(tmp_path, "doctor.yaml", "profiles: [ci]\n")
    assert _app_config(tmp_path)[1]["profiles"] == ["ci", "doctor.yaml:1"]


def test_a_run_from_a_subfolder_reads_the_project_roots_config(tmp_path: Path) -> None:
    """`cd backend && doctor preflight` reads ../compose.yaml (compose looks upwards) and, as it did,
    ../.doctor-baseline.json; the team's ../doctor.yaml was not read, so its ignore/suppressions/fail-on
    did not apply. The config is looked for as compose looks for its file: up to the folder holding it."""
    from doctor.config import config_dir

    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: busybox\n")
    write(tmp_path, "doctor.yaml", "ignore: [image-availability]\n")
    backend = tmp_path / "backend"
    backend.mkdir()
    write(backend, "pyproject.toml", "[project]\nname = 'api'\n")  # a service's own pyproject: not doctor's config
    assert config_dir(backend) == tmp_path and config_dir(tmp_path) == tmp_path
    _, rows = _app_config(backend)
    assert rows["ignore"] == ["image-availability", "doctor.yaml:1"]
    write(backend, "doctor.yaml", "fail-on: warning\n")  # a config of its own, nearer, wins
    assert config_dir(backend) == backend
    (tmp_path / "other").mkdir()
    write(tmp_path / "other", "compose.yaml", "services:\n  b:\n    image: busybox\n")
    assert config_dir(tmp_path / "other") == tmp_path / "other"  # a project of its own stops the search


@pytest.mark.parametrize(("doctor_yaml", "status", "error"), [
    ("select: [port-collision, env-drift]\nignore: [env-drift]\n", 0, ""),  # port-collision still runs
    ("select: [port-collision]\nignore: [port-collision]\n", 2,
     "doctor: nothing to run: ignore (doctor.yaml:2) removes every check select (doctor.yaml:1) chose\n"),
])
def test_config_says_when_ignore_removes_every_check_select_chose(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], doctor_yaml: str, status: int, error: str) -> None:
    """`doctor config` showed an emptied selection with exit 0, where `doctor preflight` stops on it
    with exit 2 (README's exit codes: a configuration that runs nothing is a usage error): it shows
    the table still (the two rows to change are in it), then preflight's line."""
    import io

    from doctor.app import PreflightOptions, guarded
    from doctor.commands import show_config

    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: busybox\n")
    write(tmp_path, "doctor.yaml", doctor_yaml)
    opts = PreflightOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    out = io.StringIO()
    assert guarded(show_config, opts, out) == status
    rows = {line.split()[0]: line.split()[1:] for line in out.getvalue().splitlines()[1:]}
    assert rows["ignore"][-1] == "doctor.yaml:2" and capsys.readouterr().err == error
