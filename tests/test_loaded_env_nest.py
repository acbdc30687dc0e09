"""The `.env` a NestJS app loads in its container: `nest start`, a compiled `node dist/main`, @nestjs/config.

brocoders/nestjs-boilerplate (tests/replay/nestjs-boilerplate) with a dev override running `npm run
start:dev` (`nest start --watch`) in `api` over a bind of the checkout, and the docs' host setup in `.env`
(DATABASE_HOST=localhost), which compose sets nowhere. Its src/main.ts imports 'dotenv/config' and its
app.module.ts calls `ConfigModule.forRoot({ envFilePath: ['.env'] })`, both loading that `.env` in the
container; preflight passed: the Nest CLI's entry file was never read. Now `nest start` runs nest-cli.json's
sourceRoot/entryFile, `node dist/main` the source tsconfig's outDir is compiled from, and ConfigModule's
load counts as dotenv's (compose's value wins: https://docs.nestjs.com/techniques/configuration).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.node_dotenv import service_calls

NEST = Path(__file__).parent / "replay" / "nestjs-boilerplate"
CHECKS = ("leaked-host-port", "service-name-drift", "dotenv-override")
DEV_OVERRIDE = ("services:\n  api:\n    command: npm run start:dev\n    volumes:\n      - .:/usr/src/app\n"
                "      - /usr/src/app/node_modules\n")
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}


def _project(tmp_path: Path, override: str | None = DEV_OVERRIDE) -> Path:
    root = tmp_path / "nestjs-boilerplate"
    shutil.copytree(NEST, root)
    text = (root / "env-example-relational").read_text()
    (root / ".env").write_text(text.replace("DATABASE_HOST=postgres\n", "DATABASE_HOST=localhost\n", 1))
    if override is not None:
        (root / "docker-compose.override.yaml").write_text(override)
    return root


def _findings(root: Path) -> list[Finding]:
    env = {**ENV, "HOME": str(root)}
    report = preflight(RunOptions(project=ProjectOptions(path=root, env=env), select=CHECKS, env=env),
                       load_registry()).report
    return [f for f in report.findings if f.check in CHECKS and f.severity is not Severity.INFO]


def _calls(root: Path) -> list[tuple[str, str, int]]:
    project = Project(ProjectOptions(path=root, env={**ENV, "HOME": str(root)}))
    api = project.services["api"]
    return [(c.loader, c.location.path.name, c.location.line)
            for c in service_calls(project, api, project.code_map(api), "/usr/src/app")]


def test_nest_start_runs_the_entry_file_and_its_config_module(tmp_path: Path) -> None:
    assert _calls(_project(tmp_path)) == [("dotenv/config", "main.ts", 1), ("@nestjs/config", "app.module.ts", 47)]


def test_a_localhost_the_nest_app_loads_is_reported_and_fixed_in_the_dev_override(tmp_path: Path) -> None:
    [found] = _findings(_project(tmp_path))
    assert found.check == "leaked-host-port" and found.severity is Severity.ERROR
    assert found.location is not None and (found.location.path.name, found.location.line) == (".env", 12)
    assert found.message == ("DATABASE_HOST=localhost is 'api' itself in its container (did you mean 'postgres'?): "
                             "'api' reads DATABASE_HOST in src/database/data-source.ts")
    assert found.fix is not None and found.fix.title == "set DATABASE_HOST=postgres for 'api' in the dev override"


def test_compose_setting_the_variable_wins_over_the_config_module(tmp_path: Path) -> None:
    root = _project(tmp_path, DEV_OVERRIDE + "    environment:\n      DATABASE_HOST: postgres\n")
    assert _findings(root) == []


def test_a_config_module_told_to_ignore_env_files_loads_none(tmp_path: Path) -> None:
    root = _project(tmp_path)
    module = root / "src" / "app.module.ts"
    module.write_text(module.read_text().replace("      envFilePath: ['.env'],\n", "      ignoreEnvFile: true,\n", 1))
    main = root / "src" / "main.ts"
    main.write_text(main.read_text().replace("import 'dotenv/config';\n", "", 1))
    assert _calls(root) == []
    assert _findings(root) == []


def test_a_compiled_entry_is_read_from_its_typescript_source(tmp_path: Path) -> None:
    override = "services:\n  api:\n    command: node dist/main\n    volumes:\n      - .:/usr/src/app\n"
    assert _calls(_project(tmp_path, override)) == [("dotenv/config", "main.ts", 1),
                                                    ("@nestjs/config", "app.module.ts", 47)]
