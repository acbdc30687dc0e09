"""`doctor exec` with a project script whose `#!` line starts a runtime: dunglas/symfony-docker
(tests/replay/symfony-docker).

`doctor exec -- bin/console cache:clear` ran here ("this machine has no 'bin/console' on PATH" never
said; `/usr/bin/env: 'php': No such file or directory`): `console` is no program doctor knew of. Its
`#!/usr/bin/env php` names the runtime, and 'php' (the `frankenphp_dev` stage, on `dunglas/frankenphp`,
binding `./:/app`) runs it, as the project's docs do (`docker compose exec php bin/console ...`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doctor.execute import placement
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "symfony-docker"
# the first lines of the skeleton's bin/console, which the entrypoint's `composer create-project` writes
CONSOLE = "#!/usr/bin/env php\n<?php\n\nuse App\\Kernel;\n"


def _placed(tmp_path: Path, argv: list[str], script: tuple[str, str] = ("bin/console", CONSOLE)) -> str | None:
    root = tmp_path / "app"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    path = root / script[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script[1])
    path.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    home, _ = placement(argv, root, Project(ProjectOptions(path=root, env=env)), host)
    return home.service if home is not None else None


@pytest.mark.parametrize("argv", [["bin/console", "cache:clear"], ["./bin/console", "doctrine:migrations:migrate"]])
def test_a_php_script_goes_to_the_php_service(tmp_path: Path, argv: list[str]) -> None:
    assert _placed(tmp_path, argv) == "php"


@pytest.mark.parametrize("shebang", ["#!/usr/bin/php\n", "#!/usr/bin/env -S php -d memory_limit=-1\n",
                                     "\ufeff#!/usr/bin/env php\n"])
def test_the_interpreter_is_read_past_env_and_its_options(tmp_path: Path, shebang: str) -> None:
    assert _placed(tmp_path, ["bin/console", "about"], ("bin/console", shebang + "<?php\n")) == "php"


@pytest.mark.parametrize("script", [("bin/deploy", "#!/usr/bin/env bash\nrsync -a . host:/srv\n"),
                                    ("bin/notes", "no shebang at all\n")])
def test_a_script_of_no_runtime_stays_here(tmp_path: Path, script: tuple[str, str]) -> None:
    assert _placed(tmp_path, [script[0]], script) is None


def test_a_ruby_script_finds_no_home_in_a_php_project(tmp_path: Path) -> None:
    assert _placed(tmp_path, ["bin/setup"], ("bin/setup", "#!/usr/bin/env ruby\n")) is None


def test_exec_says_the_machine_lacks_the_interpreter_the_script_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    from test_execute import fake_docker

    import doctor.execute

    root = tmp_path / "app"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / "bin").mkdir()
    (root / "bin" / "console").write_text(CONSOLE)
    (root / "bin" / "console").chmod(0o755)
    env, record = fake_docker(tmp_path)
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: True)
    monkeypatch.chdir(root)
    project = Project(ProjectOptions(path=root, env=env))
    assert doctor.execute.execute(["bin/console", "cache:clear"], project, host) == 0
    ran = record.read_text().splitlines()
    assert ran[ran.index("exec"):] == ["exec", "-T", "php", "bin/console", "cache:clear"]
    assert ("running 'bin/console' in service 'php' (exec; its code is in 'php', and this machine has no 'php', "
            "which its #! line runs)") in capfd.readouterr().err
