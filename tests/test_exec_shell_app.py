"""`doctor exec -- bash` (or `sh`) opens a shell in the app's container: the service whose start runs the
project's runtime, not an asset watcher; where no service is the app's, the host.

dunglas/symfony-docker (tests/replay/symfony-docker), PHP only, whose docs say `docker compose exec php sh`:
the shell stayed on the host (no Python or Node service to hold it). nickjj/docker-rails-example
(tests/replay/docker-rails-example), whose `./run shell` execs into 'web': the shell went to 'js', the asset
watcher on the same ruby image (`yarn build`), since its package.json makes it the one service whose image
installs packages the host lacks. nickjj/docker-phoenix-example likewise went to 'js' (on node), not 'web'
(`iex -S mix phx.server`). A shell given a script (`bash ./run shell`) is judged by that script, as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doctor.execute import placement
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay"


def _checkout(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(REPLAY / name, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    if (root / ".env.example").exists():
        shutil.copyfile(root / ".env.example", root / ".env")  # the README's `cp .env.example .env`
    return root


def _placed(root: Path, argv: list[str], cwd: Path | None = None) -> str | None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent)}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    home, _ = placement(argv, cwd or root, Project(ProjectOptions(path=root, env=env)), host)
    return home.service if home is not None else None


@pytest.mark.parametrize("argv", [["sh"], ["bash"], ["bash", "-l"], ["/bin/sh", "-i"]])
def test_a_shell_in_a_php_project_opens_in_the_php_service(tmp_path: Path, argv: list[str]) -> None:
    assert _placed(_checkout(tmp_path, "symfony-docker"), argv) == "php"


@pytest.mark.parametrize("argv", [["bash"], ["sh"]])
def test_a_shell_in_a_rails_project_opens_in_the_service_running_rails(tmp_path: Path, argv: list[str]) -> None:
    assert _placed(_checkout(tmp_path, "docker-rails-example"), argv) == "web"


def test_a_shell_in_a_phoenix_project_opens_in_the_service_running_mix(tmp_path: Path) -> None:
    assert _placed(_checkout(tmp_path, "docker-phoenix-example"), ["bash"]) == "web"


def test_a_shell_given_a_script_is_judged_by_the_script(tmp_path: Path) -> None:
    root = _checkout(tmp_path, "docker-rails-example")
    assert _placed(root, ["bash", "./run", "shell"]) is None  # ./run drives compose itself: the host's


def test_no_service_running_the_runtime_leaves_the_shell_here(tmp_path: Path) -> None:
    root = _checkout(tmp_path, "symfony-docker")
    override = root / "compose.override.yaml"
    override.write_text(override.read_text().replace("    tty: true\n", "    tty: true\n    command: sleep infinity\n"
                                                     "    entrypoint: []\n"))
    assert _placed(root, ["sh"]) is None
