"""leaked-host-port and service-name-drift on the `.env` a Node or Laravel app loads in its container.

hagopj13/node-express-boilerplate (tests/replay/node-express-boilerplate) loads `.env` through the
`.:/usr/src/node-app` bind with `dotenv.config({ path: path.join(__dirname, '../../.env') })`; a Laravel
app on Sail (tests/replay/laravel-sail: sail's stubs, laravel/laravel's composer.json, artisan and
.env.example) loads its `.env` through the `.:/var/www/html` bind with phpdotenv. Before, neither
check read those files: `DB_HOST=127.0.0.1`, a host-side port or a host naming no service there gave
no finding. Node's dotenv and Laravel keep what compose sets (no finding then), unless the Node call
overrides.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity
from doctor.project.laravel_env import php_view

REPLAY = Path(__file__).parent / "replay"
SAIL = REPLAY / "laravel-sail"
CHECKS = ("leaked-host-port", "service-name-drift", "dotenv-override")


def _findings(root: Path, *files: str) -> list[Finding]:
    from doctor.project import ProjectOptions

    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    options = ProjectOptions(path=root, env=env, files=tuple(root / f for f in files))
    report = preflight(RunOptions(project=options, select=CHECKS, env=env), load_registry()).report
    return [f for f in report.findings if f.check in CHECKS and f.severity is not Severity.INFO]


def _shown(root: Path, findings: list[Finding]) -> list[tuple[str, str, int | None, str]]:
    return [(f.check, f.location.path.relative_to(root).as_posix() if f.location else "", f.location.line
             if f.location else None, f.message) for f in findings]


def _boilerplate(root: Path, mongodb_url: str | None, compose_sets: bool = False) -> Path:
    """The boilerplate as cloned, .env.example copied to .env (MONGODB_URL at line 5, rewritten when
    given), compose's MONGODB_URL dropped unless `compose_sets`."""
    shutil.copytree(REPLAY / "node-express-boilerplate", root)
    text = (root / ".env.example").read_text()
    if mongodb_url is not None:
        text = text.replace("MONGODB_URL=mongodb://127.0.0.1:27017/node-boilerplate", f"MONGODB_URL={mongodb_url}")
    (root / ".env").write_text(text)
    if not compose_sets:
        compose = root / "docker-compose.yml"
        compose.write_text(compose.read_text().replace(
            "    environment:\n      - MONGODB_URL=mongodb://mongodb:27017/node-boilerplate\n", ""))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


NODE = ("docker-compose.yml", "docker-compose.dev.yml")


def test_node_dotenv_localhost_is_leaked_host_port_at_the_env_line(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p", None)
    found = [f for f in _findings(root, *NODE) if f.check == "leaked-host-port"]
    assert _shown(root, found) == [(
        "leaked-host-port", ".env", 5, "MONGODB_URL host '127.0.0.1' is 'node-app' itself in its container "
        "(did you mean 'mongodb'?): 'node-app' reads MONGODB_URL in src/config/config.js")]
    assert found[0].severity is Severity.ERROR


def test_node_dotenv_host_naming_no_service_is_service_name_drift(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p", "mongodb://mongo-db:27017/node-boilerplate")
    assert _shown(root, _findings(root, *NODE)) == [(
        "service-name-drift", ".env", 5, "MONGODB_URL host 'mongo-db' names no service on the network "
        "(did you mean 'mongodb'?)")]


def test_node_dotenv_host_side_port_is_leaked_host_port(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p", "mongodb://mongodb:27018/node-boilerplate")
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("'27017:27017'", "'27018:27017'"))
    (finding,) = _findings(root, *NODE)
    assert (finding.check, finding.location and finding.location.line) == ("leaked-host-port", 5), finding
    assert finding.message.startswith("MONGODB_URL dials mongodb:27018, the host port of 'mongodb', "
                                      "which listens on 27017 inside the network"), finding.message


@pytest.mark.parametrize("url", ["mongodb://127.0.0.1:27017/node-boilerplate", "mongodb://mongo-db:27017/x"])
def test_node_dotenv_leaves_what_compose_sets(tmp_path: Path, url: str) -> None:
    """Without `override: true` compose's MONGODB_URL wins: the file's value never reaches the app."""
    assert _findings(_boilerplate(tmp_path / "p", url, compose_sets=True), *NODE) == []


def test_node_dotenv_override_beats_compose_and_is_judged(tmp_path: Path) -> None:
    root = _boilerplate(tmp_path / "p", "mongodb://mongo-db:27017/x", compose_sets=True)
    config = root / "src" / "config" / "config.js"
    config.write_text(config.read_text().replace("'../../.env') })", "'../../.env'), override: true })"))
    assert [(f.check, f.location and f.location.line) for f in _findings(root, *NODE)] == [
        ("dotenv-override", 5), ("service-name-drift", 5)]


def _sail_app(root: Path, env: dict[str, str], services: tuple[str, ...] = ("mysql", "redis"),
              app_env: dict[str, str] | None = None) -> Path:
    """What `php artisan sail:install --with=mysql,redis` writes (the stub, the services' stubs, each a
    dependency of laravel.test, a volume each), beside laravel/laravel's composer.json, artisan and
    .env.example copied to .env with `env`'s replacements."""
    root.mkdir()
    compose = yaml.safe_load((SAIL / "sail" / "stubs" / "docker-compose.stub").read_text())
    app = compose["services"]["laravel.test"]
    app["depends_on"] = list(services)
    app["environment"].update(app_env or {})
    for name in services:
        compose["services"][name] = yaml.safe_load((SAIL / "sail" / "stubs" / f"{name}.stub").read_text())[name]
    compose["volumes"] = {f"sail-{name}": {"driver": "local"} for name in services}
    text = yaml.safe_dump(compose, sort_keys=False).replace("{{PHP_VERSION}}", "8.3")
    (root / "docker-compose.yml").write_text(text)
    for name in ("composer.json", "artisan"):
        shutil.copy(SAIL / "laravel" / name, root / name)
    dotenv = (SAIL / "laravel" / ".env.example").read_text()
    for old, new in env.items():
        assert old in dotenv, old
        dotenv = dotenv.replace(old, new)
    (root / ".env").write_text(dotenv)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


MYSQL = {"DB_CONNECTION=sqlite": "DB_CONNECTION=mysql", "# DB_PORT=3306": "DB_PORT=3306"}


def test_sails_db_host_and_redis_host_on_127_0_0_1_dial_the_app_container(tmp_path: Path) -> None:
    root = _sail_app(tmp_path / "app", {**MYSQL, "# DB_HOST=127.0.0.1": "DB_HOST=127.0.0.1"})
    assert _shown(root, _findings(root)) == [
        ("leaked-host-port", ".env", 24, "DB_HOST=127.0.0.1 is 'laravel.test' itself in its container "
         "(did you mean 'mysql'?): 'laravel.test' depends on 'mysql'"),
        ("leaked-host-port", ".env", 46, "REDIS_HOST=127.0.0.1 is 'laravel.test' itself in its container "
         "(did you mean 'redis'?): 'laravel.test' depends on 'redis'")]


def test_sails_db_host_naming_no_service_is_service_name_drift(tmp_path: Path) -> None:
    root = _sail_app(tmp_path / "app", {**MYSQL, "# DB_HOST=127.0.0.1": 'DB_HOST="mysqlserver" # old name',
                                        "REDIS_HOST=127.0.0.1": "REDIS_HOST=redis"})
    assert _shown(root, _findings(root)) == [
        ("service-name-drift", ".env", 24,
         "DB_HOST=mysqlserver names no service on the network (did you mean 'mysql'?)")]


def test_sail_install_env_and_compose_set_values_give_nothing(tmp_path: Path) -> None:
    """The .env sail:install writes (DB_HOST=mysql, REDIS_HOST=redis); and phpdotenv's immutability:
    a DB_HOST compose sets wins over the file's 127.0.0.1."""
    fine = _sail_app(tmp_path / "a", {**MYSQL, "# DB_HOST=127.0.0.1": "DB_HOST=mysql",
                                      "REDIS_HOST=127.0.0.1": "REDIS_HOST=redis"})
    assert _findings(fine) == []
    kept = _sail_app(tmp_path / "b", {**MYSQL, "# DB_HOST=127.0.0.1": "DB_HOST=127.0.0.1"},
                     app_env={"DB_HOST": "mysql", "REDIS_HOST": "redis"})
    assert _findings(kept) == []


def test_laravel_env_needs_a_laravel_app_and_a_php_service(tmp_path: Path) -> None:
    """No artisan (not a Laravel app), a cached config (`artisan config:cache`: Laravel never reads the
    .env), or the folder mounted only into nginx: the .env is no app's."""
    root = _sail_app(tmp_path / "app", {**MYSQL, "# DB_HOST=127.0.0.1": "DB_HOST=127.0.0.1"})
    (root / "artisan").unlink()
    assert _findings(root) == []
    cached = _sail_app(tmp_path / "cached", {**MYSQL, "# DB_HOST=127.0.0.1": "DB_HOST=127.0.0.1"})
    (cached / "bootstrap" / "cache").mkdir(parents=True)
    (cached / "bootstrap" / "cache" / "config.php").write_text("<?php return [];\n")
    assert _findings(cached) == []
    web = _sail_app(tmp_path / "web", {**MYSQL, "# DB_HOST=127.0.0.1": "DB_HOST=127.0.0.1"})
    compose = web / "docker-compose.yml"
    text = compose.read_text()
    nginx = text[:text.index("    build:")] + "    image: nginx:1.27\n" + text[text.index("    extra_hosts:"):]
    compose.write_text(nginx)
    assert _findings(web) == []


def test_php_view_reads_phpdotenvs_line_rules(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("export A=one # note\nB='${A} literal'\nC=\"${A}:${SET}\\n\"\nD=${UNSET}\nSET=file\n"
                   "E=\"two\nlines\"\nA=last\nF=has space\n")
    assert list(php_view(env, {"SET": "compose"})) == [
        ("A", "last", 8), ("B", "${A} literal", 2), ("C", "one:compose\n", 3), ("E", "two\nlines", 6)]


def test_octane_server_names_server_software_not_a_host(tmp_path: Path) -> None:
    """solidtime's .env.example: `OCTANE_SERVER=frankenphp` (Laravel Octane's swoole, roadrunner or
    frankenphp) is no peer to dial: once Laravel's .env was read it was a note 'names no service'."""
    from doctor.project import ProjectOptions

    root = _sail_app(tmp_path / "app", {"APP_NAME=Laravel": "APP_NAME=Laravel\nOCTANE_SERVER=frankenphp"})
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
    report = preflight(RunOptions(project=ProjectOptions(path=root, env=env), select=("service-name-drift",),
                                  env=env), load_registry()).report
    assert [f.message for f in report.findings] == []
