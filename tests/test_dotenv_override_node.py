"""dotenv-override on Node's loaders: dotenv's `config()` in the files a service runs, `import
'dotenv/config'`, `node -r dotenv/config`, `node --env-file`, dotenv-cli and env-cmd in package.json
scripts, on copies of hagopj13/node-express-boilerplate and danielfsousa/express-rest-boilerplate."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Safety, Severity
from doctor.project.dotenv_views import node_view

CHECK = "dotenv-override"
REPLAY = Path(__file__).parent / "replay"
NODE_DOCKERFILE = "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\n"


def _findings(root: Path, *files: str, checks: tuple[str, ...] = (CHECK,)) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, env=env, files=tuple(root / f for f in files))
    report = preflight(RunOptions(project=options, select=checks, env=env), load_registry()).report
    return [f for f in report.findings if f.check in checks]


def _copy(name: str, root: Path) -> Path:
    shutil.copytree(REPLAY / name, root)
    shutil.copy(root / ".env.example", root / ".env")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _boilerplate(root: Path, with_url: bool = True) -> Path:
    root = _copy("node-express-boilerplate", root)
    if not with_url:  # compose leaves MONGODB_URL unset: .env's 127.0.0.1 fills it in the container
        compose = root / "docker-compose.yml"
        compose.write_text(compose.read_text().replace(
            "    environment:\n      - MONGODB_URL=mongodb://mongodb:27017/node-boilerplate\n", ""))
    return root


def test_node_dotenv_config_through_the_bind_mount_dials_the_container_itself(tmp_path: Path) -> None:
    """config.js:5 `dotenv.config({ path: path.join(__dirname, '../../.env') })`, reached from
    `yarn dev` (nodemon src/index.js) through `require('./config/config')`: before, no finding."""
    root = _boilerplate(tmp_path / "p", with_url=False)
    # one fault, one finding: leaked-host-port's error at the .env line, this check's note points there
    finding, leaked = _findings(root, "docker-compose.yml", "docker-compose.dev.yml",
                                checks=(CHECK, "leaked-host-port"))
    assert (finding.severity, leaked.check, leaked.severity) == (Severity.INFO, "leaked-host-port", Severity.ERROR)
    assert leaked.location is not None and (leaked.location.path.name, leaked.location.line) == (".env", 5)
    assert (finding.location.path.relative_to(root).as_posix(), finding.location.line) == ("src/config/config.js", 5)
    assert finding.message == ("MONGODB_URL='mongodb://127.0.0.1:27017/node-boilerplate' from .env:5 dials the "
                               "container itself in 'node-app', not 'mongodb' (compose sets none): "
                               "leaked-host-port reports it at .env:5")


def test_node_dotenv_leaves_what_compose_sets(tmp_path: Path) -> None:
    """Without `override: true` Node's dotenv keeps compose's MONGODB_URL: no finding."""
    assert _findings(_boilerplate(tmp_path / "p"), "docker-compose.yml", "docker-compose.dev.yml") == []


def test_node_dotenv_override_true_beats_compose_and_is_dropped(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p")
    config = root / "src" / "config" / "config.js"
    config.write_text(config.read_text().replace("'../../.env') }", "'../../.env'), override: true }"))
    (finding,) = _findings(root, "docker-compose.yml", "docker-compose.dev.yml")
    assert finding.message == ("MONGODB_URL='mongodb://127.0.0.1:27017/node-boilerplate' from .env:5 overrides "
                               "compose's 'mongodb://mongodb:27017/node-boilerplate' in 'node-app'")
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    (edit,) = finding.fix.edits
    assert edit.new == "dotenv.config({ path: path.join(__dirname, '../../.env') });"


def test_dotenv_safe_from_the_images_cmd_on_express_rest_boilerplate(tmp_path: Path) -> None:
    """The Dockerfile's `yarn docker:start` runs `pm2-docker start ./src/index.js`, whose
    `./config/vars` calls dotenv-safe; `.dockerignore` keeps .env out of the image, `.:/app` brings
    it back. MONGO_URI (compose's) stays; MONGO_URI_TESTS, which compose leaves unset, dials itself."""
    root = _copy("express-rest-boilerplate", tmp_path / "p")
    env = root / ".env"
    env.write_text(env.read_text().replace("MONGO_URI_TESTS=mongodb://mongodb:27017",
                                           "MONGO_URI_TESTS=mongodb://localhost:27017"))
    finding, leaked = _findings(root, checks=(CHECK, "leaked-host-port"))
    assert (finding.location.path.relative_to(root).as_posix(), finding.location.line) == ("src/config/vars.js", 4)
    assert finding.message == ("MONGO_URI_TESTS='mongodb://localhost:27017/express-rest-es2017-boilerplate' from "
                               ".env:6 dials the container itself in 'boilerplate-api', not 'mongodb' "
                               "(compose sets none): leaked-host-port reports it at .env:6")
    assert leaked.location is not None and (leaked.check, leaked.location.line) == ("leaked-host-port", 6)
    # without the bind mount only the image's COPY could carry .env, and .dockerignore stops it
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("    volumes:\n      - .:/app\n", ""))
    assert _findings(root) == []


COMPOSE = """\
services:
  api:
    build: .
    volumes: [".:/app"]
    {command}
  mongodb:
    image: mongo:7
"""


def _node_project(root: Path, command: str, files: dict[str, str], env: str = ".env") -> Path:
    root.mkdir(parents=True)
    (root / "compose.yaml").write_text(COMPOSE.format(command=command))
    (root / "Dockerfile").write_text(NODE_DOCKERFILE)
    (root / env).write_text("MONGO_URL=mongodb://localhost:27017/app\n")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


PACKAGE = '{\n  "main": "src/main.js",\n  "scripts": {\n    "dev": "%s"\n  }\n}\n'


@pytest.mark.parametrize(("command", "files", "env", "at"), [
    ("command: npm run dev", {"package.json": PACKAGE % "node src/main.js",
                              "src/main.js": "import 'dotenv/config';\nimport './db.js';\n"}, ".env", "src/main.js:1"),
    ("command: npm run dev", {"package.json": PACKAGE % "ts-node src/main.ts",
                              "src/main.ts": "import { boot } from './boot';\nboot();\n",
                              "src/boot.ts": "import * as dotenv from 'dotenv';\n\ndotenv.config();\n"},
     ".env", "src/boot.ts:3"),
    ("command: yarn dev", {"package.json": PACKAGE % "node src/main.js",
                           "src/main.js": "const { config: load } = require('dotenv');\n"
                                          "load({ path: '.env.local' });\n"},
     ".env.local", "src/main.js:2"),
    ("command: npm run dev", {"package.json": PACKAGE % "node -r dotenv/config src/main.js", "src/main.js": ""},
     ".env", "package.json:4"),
    ("command: npm run dev", {"package.json": PACKAGE % "node --env-file=.env.dev src/main.js", "src/main.js": ""},
     ".env.dev", "package.json:4"),
    ("command: npm run dev", {"package.json": PACKAGE % "dotenv -e .env.local -- node src/main.js",
                              "src/main.js": ""}, ".env.local", "package.json:4"),
    ("command: npm run dev", {"package.json": PACKAGE % "env-cmd -f .env.dev node src/main.js",
                              "src/main.js": ""}, ".env.dev", "package.json:4"),
    ("", {"package.json": '{\n  "main": "src/main.js"\n}\n', "src/main.js": "require('dotenv').config()\n"},
     ".env", "src/main.js:1"),
    # a template naming the file by a variable compose sets (typescript-express-starter's `.env.${NODE_ENV}.local`)
    ("command: npm run dev\n    environment: [APP_ENV=docker]",
     {"package.json": PACKAGE % "node src/main.js",
      "src/main.js": "require('dotenv').config({ path: `.env.${process.env.APP_ENV || 'local'}` })\n"},
     ".env.docker", "src/main.js:1"),
    # unset, the fallback; with none JavaScript writes `undefined`
    ("command: npm run dev", {"package.json": PACKAGE % "node src/main.js",
                              "src/main.js": "require('dotenv').config({ path: `.env.${process.env.APP_ENV}` })\n"},
     ".env.undefined", "src/main.js:1"),
    # an import through tsconfig's `paths` (no baseUrl: the tsconfig's folder), its comments and trailing commas
    ("command: npm run dev", {"package.json": PACKAGE % "ts-node src/main.ts",
                              "tsconfig.json": '{\n  // aliases\n  "compilerOptions": {"paths": {"@lib/*": '
                                               '["src/lib/*"],},},\n}\n',
                              "src/main.ts": "import { env } from '@lib/env';\n",
                              "src/lib/env.ts": "import 'dotenv/config';\n"}, ".env", "src/lib/env.ts:1"),
])
def test_node_loaders_a_service_runs(tmp_path: Path, command: str, files: dict[str, str], env: str, at: str) -> None:
    root = _node_project(tmp_path / "p", command, files, env)
    (finding,) = _findings(root)
    assert f"{finding.location.path.relative_to(root).as_posix()}:{finding.location.line}" == at
    assert finding.message.startswith(f"MONGO_URL='mongodb://localhost:27017/app' from {env}:1 dials the container "
                                      "itself in 'api', not 'mongodb'")


@pytest.mark.parametrize(("command", "files"), [
    # a commented-out call, and a file the service never imports
    ("command: npm run dev", {"package.json": PACKAGE % "node src/main.js",
                              "src/main.js": "// require('dotenv').config()\n/* dotenv.config() */\n",
                              "scripts/seed.js": "require('dotenv').config()\n"}),
    # a Python service beside the package: Node's loaders do not run there
    ("image: python:3.12\n    command: python -m http.server", {
        "package.json": PACKAGE % "node src/main.js", "src/main.js": "require('dotenv').config()\n"}),
])
def test_no_finding_where_the_service_does_not_run_the_load(tmp_path: Path, command: str,
                                                            files: dict[str, str]) -> None:
    root = _node_project(tmp_path / "p", command, files)
    if "python" in command:
        (root / "compose.yaml").write_text((root / "compose.yaml").read_text().replace("    build: .\n", ""))
    assert _findings(root) == []


def test_env_cmd_overrides_compose_and_says_how_to_stop_it(tmp_path: Path) -> None:
    root = _node_project(tmp_path / "p", "command: npm run dev\n    environment: [MONGO_URL=mongodb://mongodb/app]",
                         {"package.json": PACKAGE % "env-cmd node src/main.js", "src/main.js": ""})
    (finding,) = _findings(root)
    assert finding.message == ("MONGO_URL='mongodb://localhost:27017/app' from .env:1 overrides compose's "
                               "'mongodb://mongodb/app' in 'api'")
    assert finding.fix is not None and finding.fix.title == "add --no-override to env-cmd at package.json:4"
    (root / "package.json").write_text(PACKAGE % "env-cmd --no-override node src/main.js")
    assert _findings(root) == []


def test_node_view_reads_as_node_dotenv(tmp_path: Path) -> None:
    """No expansion, `#` ends an unquoted value, the last line of a key wins, a set key stays."""
    env = tmp_path / ".env"
    env.write_text("A=1\nexport B=\"x\\ny\" # c\nC='${A}'\nD=u://h/a#frag\nA=2\nE=kept\n")
    assert list(node_view(env, {"E": "compose"}, False)) == [
        ("A", "2", 5), ("B", "x\ny", 2), ("C", "${A}", 3), ("D", "u://h/a", 4)]
    assert ("E", "kept", 6) in list(node_view(env, {"E": "compose"}, True))


@pytest.mark.parametrize(("command", "main"), [
    # the entry named by its path in the container (a review's reproduction): it was joined to the host's
    # folder as an absolute path, outside the package, and never read
    ("command: node /app/src/main.js", "require('dotenv').config()\n"),
    # a `/*` inside a string started no comment before: the call after it was read as commented out
    ("command: node src/main.js", "const routes = glob.sync('./routes/*.js');\n"
                                  "require('dotenv').config();\n/** the app */\nmodule.exports = routes;\n"),
])
def test_node_loads_reached_by_a_container_path_or_after_a_glob(tmp_path: Path, command: str, main: str) -> None:
    root = _node_project(tmp_path / "p", command, {"package.json": "{}\n", "src/main.js": main})
    (finding,) = _findings(root)
    line = main.count("\n", 0, main.index("require")) + 1
    assert finding.location.path == root / "src" / "main.js" and finding.location.line == line
    assert finding.message.startswith("MONGO_URL='mongodb://localhost:27017/app' from .env:1 dials the container")


def test_services_built_alike_read_the_entry_files_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # services sharing one build and command run the same files: each read once per run, not once per service
    # (a review's 50 services over 41 files read 2,100 files)
    from doctor.project import node_dotenv

    root = _node_project(tmp_path / "p", "command: node src/main.js", {
        "package.json": "{}\n", "src/main.js": "require('./a');\nrequire('dotenv').config();\n",
        "src/a.js": "module.exports = 1;\n"})
    compose = (root / "compose.yaml").read_text()
    block = compose.split("  mongodb:")[0].split("  api:\n", 1)[1]
    (root / "compose.yaml").write_text(compose.replace("  mongodb:", "".join(
        f"  api{n}:\n{block}" for n in range(5)) + "  mongodb:"))
    read: list[Path] = []
    real = node_dotenv.read_regular_text
    monkeypatch.setattr(node_dotenv, "read_regular_text", lambda path, *a: read.append(path) or real(path, *a))
    assert len(_findings(root)) == 1  # one finding naming all six services
    assert sorted(p.name for p in read if p.suffix == ".js") == ["a.js", "main.js"], read


@pytest.mark.parametrize(("guard", "node_env", "found"), [
    # the common `if (process.env.NODE_ENV !== 'production')` around the load, judged on compose's value
    ("if (process.env.NODE_ENV !== 'production') {\n  ", "production", False),
    ("if (process.env.NODE_ENV !== 'production') {\n  ", "development", True),
    ("if ('development' === process.env['NODE_ENV']) ", "development", True),
    ("if (process.env.NODE_ENV === 'development') ", "production", False),
    ("if (!process.env.NODE_ENV) ", "production", False),
])
def test_a_node_load_under_an_if_on_the_environment(tmp_path: Path, guard: str, node_env: str, found: bool) -> None:
    main = f"{guard}require('dotenv').config();\n" + ("}\n" if guard.endswith("{\n  ") else "")
    root = _node_project(tmp_path / "p", f"command: node src/main.js\n    environment:\n      NODE_ENV: {node_env}",
                         {"package.json": "{}\n", "src/main.js": main})
    assert bool(_findings(root)) is found
