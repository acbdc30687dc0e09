"""cli.main answers `--version`, `list`, `explain ID` and `preflight [PATH]` without typer: same result."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from doctor import app, cli
from doctor.host import early


def _options_via(monkeypatch: pytest.MonkeyPatch, run: object) -> app.PreflightOptions:
    seen: list[app.PreflightOptions] = []
    monkeypatch.setattr(early, "start_early", lambda *args: None)  # no login shell of the developer's
    monkeypatch.setattr(app, "preflight", lambda options: seen.append(options) or 0)
    with pytest.raises(SystemExit) as done:
        assert callable(run)
        run()
    assert done.value.code == 0
    [options] = seen
    return options


@pytest.mark.parametrize("args", [["preflight"], ["preflight", "examples/clean-stack"], ["preflight", "some dir"]])
def test_preflight_fast_path_builds_the_options_typer_builds(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _options_via(monkeypatch, lambda: cli.main(args))
    parsed = _options_via(monkeypatch, lambda: cli.build_cli()(args=args, prog_name="doctor"))
    assert {**vars(fast), "env": None} == {**vars(parsed), "env": None}
    assert fast.path == Path(args[1] if args[1:] else ".")


def test_flags_still_go_through_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    options = _options_via(monkeypatch, lambda: cli.main(["preflight", "--format", "json", "."]))
    assert options.format == "json"


def test_version_imports_nothing_but_doctor() -> None:
    code = "import sys\nfrom doctor.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n" \
           "print(sorted(m for m in sys.modules if m.startswith(('doctor.', 'typer', 'typing', 'inspect'))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "['doctor.cli']"
