"""leaked-host-port on a `.env` the image COPYs and a Node loader reads over compose's environment.

brocoders/nestjs-boilerplate (tests/replay/nestjs-boilerplate): the `api` image COPYs the checkout,
`.env` included, and its CMD ["/opt/startup.relational.dev.sh"] runs `npm run migration:run`, whose
package.json script is `env-cmd -- ts-node ...` (env-cmd loads `.env` over the process environment).
With the docs' host setup in `.env` (DATABASE_HOST=localhost, MAIL_HOST=localhost), preflight passed:
the startup script was never read, so no load of `.env` was seen. Now the script's lines are read as
commands, and leaked-host-port's fix is to keep `.env` out of the image: a value set in a dev override
loses to env-cmd's `.env` again (applied, the first run's fix left the same errors and a second
check's). With `--no-override` the dev override's value holds, and that stays the fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Safety, Severity

NEST = Path(__file__).parent / "replay" / "nestjs-boilerplate"
CHECKS = ("leaked-host-port", "service-name-drift", "dotenv-override")


def _project(tmp_path: Path, *, host_setup: bool) -> Path:
    """The checkout after `cp env-example-relational .env`, and the docs' host setup when asked."""
    root = tmp_path / "nestjs-boilerplate"
    shutil.copytree(NEST, root)
    text = (root / "env-example-relational").read_text()
    if host_setup:
        text = text.replace("DATABASE_HOST=postgres\n", "DATABASE_HOST=localhost\n", 1)
        text = text.replace("MAIL_HOST=maildev\n", "MAIL_HOST=localhost\n", 1)
    (root / ".env").write_text(text)
    return root


def _findings(root: Path) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    report = preflight(RunOptions(project=ProjectOptions(path=root, env=env), select=CHECKS, env=env),
                       load_registry()).report
    return [f for f in report.findings if f.check in CHECKS and f.severity is not Severity.INFO]


def _shown(findings: list[Finding]) -> list[tuple[str, str, int | None]]:
    return [(f.check, f.location.path.name if f.location else "", f.location.line if f.location else None)
            for f in findings]


def test_the_checkout_as_cloned_passes(tmp_path: Path) -> None:
    assert _findings(_project(tmp_path, host_setup=False)) == []


def test_a_host_setup_env_baked_into_the_image_is_reported_with_the_fix_that_holds(tmp_path: Path) -> None:
    found = _findings(_project(tmp_path, host_setup=True))
    assert _shown(found) == [("leaked-host-port", ".env", 12), ("leaked-host-port", ".env", 33)]
    database = found[0]
    assert database.severity is Severity.ERROR
    assert database.message == ("DATABASE_HOST=localhost is 'api' itself in its container (did you mean "
                                "'postgres'?): 'api' reads DATABASE_HOST in src/database/data-source.ts")
    assert database.fix is not None and database.fix.safety is Safety.ADVICE
    assert database.fix.title == ("keep .env out of the image: add it to .dockerignore (env-cmd at "
                                  "package.json:9 loads it over compose's environment, and the image makes its own)")


def test_where_the_image_makes_no_env_of_its_own_the_loader_leaves_compose_be_first(tmp_path: Path) -> None:
    """Without the Dockerfile's `RUN if [ ! -f .env ]; then cp env-example-relational .env; fi`, a `.env`
    kept out of the image would stop env-cmd at start (`Failed to find .env file at default paths`), and
    DATABASE_HOST would be unset anyway (a review's finding): env-cmd's `--no-override` first, then the
    value in compose, whose override then holds (the test below)."""
    root = _project(tmp_path, host_setup=True)
    dockerfile = root / "Dockerfile"
    made = "RUN if [ ! -f .env ]; then cp env-example-relational .env; fi\n"
    dockerfile.write_text(dockerfile.read_text().replace(made, "", 1))
    found = _findings(root)
    assert _shown(found) == [("leaked-host-port", ".env", 12), ("leaked-host-port", ".env", 33)]
    assert found[0].fix is not None and found[0].fix.safety is Safety.ADVICE
    assert found[0].fix.title == ("make env-cmd at package.json:9 leave compose's environment (`env-cmd "
                                  "--no-override`), then set DATABASE_HOST=postgres for 'api' in a new dev override "
                                  "docker-compose.override.yml")


def test_the_fix_settles_in_one_run(tmp_path: Path) -> None:
    root = _project(tmp_path, host_setup=True)
    with (root / ".dockerignore").open("a") as ignore:
        ignore.write(".env\n")
    assert _findings(root) == []


def test_a_loader_that_leaves_compose_be_keeps_the_dev_override_fix(tmp_path: Path) -> None:
    root = _project(tmp_path, host_setup=True)
    manifest = root / "package.json"
    manifest.write_text(manifest.read_text().replace('"env-cmd -- ts-node', '"env-cmd --no-override -- ts-node', 1))
    found = _findings(root)
    assert _shown(found) == [("leaked-host-port", ".env", 12), ("leaked-host-port", ".env", 33)]
    assert found[0].fix is not None
    assert found[0].fix.title == ("set DATABASE_HOST=postgres for 'api' in a new dev override "
                                  "docker-compose.override.yml")


def test_a_load_in_the_startup_script_itself_is_placed_at_its_line(tmp_path: Path) -> None:
    from doctor.project import Project, ProjectOptions
    from doctor.project.node_dotenv import service_calls

    root = _project(tmp_path, host_setup=True)
    script = root / "startup.relational.dev.sh"
    script.write_text(script.read_text().replace("npm run start:prod", "node -r dotenv/config dist/main", 1))
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    api = project.services["api"]
    calls = service_calls(project, api, project.code_map(api), "/usr/src/app")
    assert [(c.loader, c.location.path.name, c.location.line, c.override) for c in calls] == [
        ("env-cmd", "package.json", 9, True), ("dotenv/config", "startup.relational.dev.sh", 7, False),
        ("dotenv/config", "main.ts", 1, False), ("@nestjs/config", "app.module.ts", 47, False)]  # dist/main's source
    assert calls[1].text == "node -r dotenv/config dist/main"
