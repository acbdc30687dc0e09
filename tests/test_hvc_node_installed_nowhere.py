"""host-vs-container for npm scripts whose packages nothing has installed yet: mobilizon (tests/replay/mobilizon).

framasoft/mobilizon's 'api' builds `FROM elixir:1.15-alpine` with npm from apk, binds `.:/app` and runs
`mix phx.server`; only its Makefile's `setup` (`docker compose run --rm api bash -c '...; npm ci; ...'`)
fills ./node_modules. On a fresh clone doctor advised `docker compose run --rm api npm run lint` for each
package.json script, which fails there as on the host (`eslint: not found`). Now the finding says
neither the image nor the start installs them and the bound folder holds no node_modules, and the advice
installs them there first (`npm ci` where package-lock.json is, else `npm install`). With node_modules in
the checkout (after the install), or an image that installs them, the advice is as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.host_vs_container import HostVsContainer

from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "mobilizon"
LINT = "'eslint' (npm script 'lint') is not installed on the host (no node_modules/.bin/eslint), nor are "


def _mobilizon(tmp_path: Path) -> Path:
    root = tmp_path / "mobilizon"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    return root


def _lint(root: Path) -> tuple[str, str]:
    env = {"PATH": "/nonexistent", "HOME": str(root.parent), "DOCKER_HOST": "unix:///nonexistent/doctor-test/x.sock"}
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    found = [f for f in HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host)
             if f.location is not None and f.location.line == 9]
    assert len(found) == 1 and found[0].fix is not None
    return found[0].message, found[0].fix.title


def test_a_fresh_clone_is_told_to_install_the_packages_in_the_service_first(tmp_path: Path) -> None:
    root = _mobilizon(tmp_path / "a")
    message, title = _lint(root)
    assert message.startswith(LINT) and message.endswith(
        ": run it in 'api' once they are installed there (neither its image nor its start installs them, and the "
        "bound . holds no node_modules)")
    assert title == ("install them there first, `docker compose run --rm api npm install`, then run it as "
                     "'docker compose exec api npm run lint' (use 'run --rm' instead of 'exec' if it is not up)")
    (root / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": {}}\n')
    assert _lint(root)[1].startswith("install them there first, `docker compose run --rm api npm ci`, then ")


def test_once_installed_or_installed_by_the_image_the_advice_is_the_plain_run(tmp_path: Path) -> None:
    plain = "run it as 'docker compose exec api npm run lint' (use 'run --rm' instead of 'exec' if it is not up)"
    root = _mobilizon(tmp_path / "b")
    (root / "node_modules").mkdir()  # `make setup`'s npm ci in 'api' made it through the bind
    message, title = _lint(root)
    assert message.endswith(": run it in 'api'") and title == plain
    root = _mobilizon(tmp_path / "c")
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("WORKDIR /app\n", "WORKDIR /app\nCOPY package.json ./\n"
                                                         "RUN npm install\n"))
    assert "once they are installed" not in _lint(root)[0]
