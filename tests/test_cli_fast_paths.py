"""cli.main answers `--version`, `list`, `explain ID` and `preflight [PATH] [--select/--ignore/--format X]`
without typer: same result."""

from __future__ import annotations

import subprocess
import sys

import pytest

from doctor import app, cli
from doctor.host import early


def _options_via(monkeypatch: pytest.MonkeyPatch, run: object) -> app.PreflightOptions:
    seen: list[app.PreflightOptions] = []
    monkeypatch.setattr(early, "start_early", lambda *args, **kwargs: None)  # no login shell of the developer's
    monkeypatch.setattr(app, "preflight", lambda options: seen.append(options) or 0)
    with pytest.raises(SystemExit) as done:
        assert callable(run)
        run()
    assert done.value.code == 0
    [options] = seen
    return options


SIMPLE = [["preflight"], ["preflight", "examples/clean-stack"], ["preflight", "some dir"],
          ["preflight", "--select", "root-owned-files", "--format", "json", "some dir"],
          ["preflight", "x", "--select=a,b", "--select", "c", "--ignore", "d", "--format=github", "--format", "sarif"],
          ["preflight", "--ignore", " a , ,b", "."], ["preflight", "--select", ""], ["preflight", "dir=x"],
          ["preflight", "docker/devenv", "--env-file", "docker/devenv/defaults.env", "--env-file=local.env"]]


@pytest.mark.parametrize("args", SIMPLE)
def test_preflight_fast_path_builds_the_options_typer_builds(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _options_via(monkeypatch, lambda: cli.build_cli()(args=args, prog_name="doctor"))
    monkeypatch.setattr(cli, "build_cli", None)  # the fast path never gets to typer
    fast = _options_via(monkeypatch, lambda: cli.main(args))
    assert {**vars(fast), "env": None} == {**vars(parsed), "env": None}


@pytest.mark.parametrize("args", [["preflight", "--format", "nope"], ["preflight", "--select"],
                                  ["preflight", "--select", "--format", "json"], ["preflight", "a", "b"],
                                  ["preflight", "--fail-on", "warning"], ["preflight", "--help"],
                                  ["preflight", "--", "dir"]])
def test_other_preflight_forms_go_through_typer(args: list[str]) -> None:
    assert cli._simple_preflight(args) is None


def test_flags_still_go_through_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    options = _options_via(monkeypatch, lambda: cli.main(["preflight", "--format", "json", "--no-color", "."]))
    assert options.format == "json" and options.color is False


def test_version_imports_nothing_but_doctor() -> None:
    code = "import sys\nfrom doctor.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n" \
           "print(sorted(m for m in sys.modules if m.startswith(('doctor.', 'typer', 'typing', 'inspect'))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "['doctor.cli']"


@pytest.mark.parametrize(("args", "expected"), [
    (["preflight", "--select", "root-owned-files", "some dir"], ("some dir", ("root-owned-files",), None)),
    (["preflight", "--ignore=path-gap"], (".", None, ("path-gap",))),
    (["preflight", "proj"], ("proj", None, None)),
])
def test_the_fast_path_tells_the_early_shell_what_runs(args: list[str], expected: tuple[object, ...],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A `--select` without path-gap must start no login shell (it would take the other core)."""
    seen: list[tuple[object, ...]] = []
    monkeypatch.setattr(early, "start_early",
                        lambda env, path, select, ignore, ahead=False: seen.append((str(path), select, ignore)))
    monkeypatch.setattr(app, "preflight", lambda options: 0)
    with pytest.raises(SystemExit):
        cli.main(args)
    assert seen == [expected]
