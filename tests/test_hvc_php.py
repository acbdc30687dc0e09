"""host-vs-container and `doctor exec` for PHP: dockersamples/laravel-docker-examples, dunglas/symfony-docker and
a Laravel app on Sail (tests/replay/), with the Makefile a developer adds beside them (their READMEs' `composer
install`, `php artisan test`, `vendor/bin/phpunit`, `bin/console cache:clear`), on a host without PHP.

Preflight said nothing: PHP was no runtime the host was judged for. `doctor exec -- composer install` went to
laravel-docker-examples' 'php-fpm', whose `development` stage descends from `production`, not from the builder
stage that installs composer: "composer: not found" there. Now `php ...` and `vendor/bin/...` go to the service on
PHP that starts it ('php-fpm', symfony-docker's 'php', Sail's 'laravel.test'), and `composer ...` to one whose
image installs composer ('workspace': getcomposer.org's installer; symfony-docker's `install-php-extensions
@composer`; Sail's runtime Dockerfile, `FROM ubuntu:22.04` with `php8.3-cli` and the installer), else advice to add
it. A host with php and composer runs them itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from doctor.checks.host_vs_container import HostVsContainer
from test_execute import fake_docker

import doctor.execute
from doctor.execute import placement
from doctor.host import Host
from doctor.host.context import ExecutionContext, Runtime
from doctor.model import Finding
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay"
NO_ENGINE = "unix:///nonexistent/doctor-test/docker.sock"
# composer's proxy in vendor/bin (what `composer install` through the bind leaves on the host)
PROXY = "#!/usr/bin/env php\n<?php\n"


def _laravel(tmp_path: Path, workspace: bool = True) -> Path:
    root = tmp_path / "laravel-docker-examples"
    shutil.copytree(REPLAY / "laravel-docker-examples", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")  # the README's first step
    (root / "vendor" / "bin").mkdir(parents=True)
    (root / "vendor" / "bin" / "phpunit").write_text(PROXY)
    (root / "Makefile").write_text("install:\n\tcomposer install\ntest:\n\tphp artisan test\n"
                                   "unit:\n\tvendor/bin/phpunit\nserve:\n\tphp artisan serve\n")
    if not workspace:
        compose = yaml.safe_load((root / "compose.dev.yaml").read_text())
        del compose["services"]["workspace"]
        (root / "compose.dev.yaml").write_text(yaml.safe_dump(compose, sort_keys=False))
    (root / ".env").write_text((root / ".env").read_text() + "\nCOMPOSE_FILE=compose.dev.yaml\n")
    return root


def _symfony(tmp_path: Path) -> Path:
    root = tmp_path / "symfony-docker"
    shutil.copytree(REPLAY / "symfony-docker", root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / "bin").mkdir()
    (root / "bin" / "console").write_text(PROXY)  # the skeleton's, which the entrypoint's create-project writes
    (root / "Makefile").write_text("install:\n\tcomposer install\ncc:\n\tbin/console cache:clear\n")
    return root


def _sail(tmp_path: Path) -> Path:
    """What `composer require laravel/sail --dev` and `php artisan sail:install` leave: the stub as
    docker-compose.yml with PHP 8.3, the package in vendor/laravel/sail (its runtimes/8.3 the build context)."""
    sail = REPLAY / "laravel-sail"
    root = tmp_path / "sail-app"
    root.mkdir()
    stub = (sail / "sail" / "stubs" / "docker-compose.stub").read_text().replace("{{PHP_VERSION}}", "8.3")
    (root / "docker-compose.yml").write_text(stub)
    for name in ("composer.json", "artisan"):
        shutil.copyfile(sail / "laravel" / name, root / name)
    shutil.copyfile(sail / "laravel" / ".env.example", root / ".env")
    shutil.copytree(sail / "sail", root / "vendor" / "laravel" / "sail")
    (root / "Makefile").write_text("test:\n\tphp artisan test\ninstall:\n\tcomposer install\n"
                                   "serve:\n\tphp artisan serve\n")
    return root


def _env(tmp_path: Path, path: str = "/nonexistent") -> dict[str, str]:
    return {"PATH": path, "HOME": str(tmp_path), "DOCKER_HOST": NO_ENGINE}


def _findings(root: Path, env: dict[str, str]) -> list[Finding]:
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    return list(HostVsContainer().run(Project(ProjectOptions(path=root, env=env)), host))


def _advised(found: Finding) -> list[str]:
    assert found.fix is not None
    argv = list(found.fix.command)
    verb = next(i for i, w in enumerate(argv) if w in ("exec", "run"))
    return argv[verb:]


def test_laravel_commands_go_to_the_service_that_has_what_they_need(tmp_path: Path) -> None:
    found = {f.location.line if f.location else None: f for f in _findings(_laravel(tmp_path), _env(tmp_path))}
    assert sorted(found) == [2, 4, 6, 8]
    assert found[2].message == ("'composer' (make target 'install') needs Composer, which the host lacks "
                                "(no 'composer' on PATH): run it in 'workspace'")
    assert _advised(found[2]) == ["exec", "workspace", "composer", "install"]  # not 'php-fpm': it has no composer
    assert found[4].message == ("'php' (make target 'test') needs PHP, which the host lacks (no 'php' on PATH): "
                                "run it in 'php-fpm'")
    assert _advised(found[4]) == ["exec", "php-fpm", "php", "artisan", "test"]
    assert _advised(found[6]) == ["exec", "php-fpm", "vendor/bin/phpunit"]
    # artisan's server listens on 127.0.0.1:8000, a port 'php-fpm' (nginx publishes 80) does not publish
    assert _advised(found[8]) == ["run", "-p", "8000:8000", "--rm", "php-fpm",
                                  "php", "artisan", "serve", "--host=0.0.0.0"]
    assert found[8].fix is not None and "stop 'php-fpm'" not in found[8].fix.title


def _bin(tmp_path: Path, *programs: str) -> str:
    folder = tmp_path / "-".join(programs)
    folder.mkdir()
    for program in programs:
        (folder / program).write_text("#!/bin/sh\nexit 0\n")
        (folder / program).chmod(0o755)
    return str(folder)


def test_a_host_with_php_and_composer_runs_them_itself(tmp_path: Path) -> None:
    root = _laravel(tmp_path)
    assert _findings(root, _env(tmp_path, _bin(tmp_path, "php", "composer"))) == []
    (found,) = _findings(root, _env(tmp_path, _bin(tmp_path, "php")))  # no composer on this one
    assert found.message.startswith("'composer' (make target 'install') needs Composer, which the host lacks")


def test_composer_that_no_image_installs_is_advice_to_add_it(tmp_path: Path) -> None:
    root = _laravel(tmp_path, workspace=False)
    found = [f for f in _findings(root, _env(tmp_path)) if f.subject.endswith("composer install")]
    assert [f.message for f in found] == ["'composer' (make target 'install') needs Composer, which the host lacks "
                                          "and no image installs ('php-fpm' runs PHP)"]
    fix = found[0].fix
    assert fix is not None and fix.command == () and fix.title.startswith(
        "add `COPY --from=composer:2 /usr/bin/composer /usr/local/bin/composer` to docker/common/php-fpm/Dockerfile "
        "(stage 'development'), then `docker compose build php-fpm`")


def test_symfony_docker_runs_composer_and_bin_console_in_php(tmp_path: Path) -> None:
    found = _findings(_symfony(tmp_path), _env(tmp_path))
    assert [(f.message.split(" needs ")[1], _advised(f)) for f in found] == [
        ("Composer, which the host lacks (no 'composer' on PATH): run it in 'php'",
         ["exec", "php", "composer", "install"]),
        ("PHP, which the host lacks (no 'php' on PATH): run it in 'php'",
         ["exec", "php", "bin/console", "cache:clear"]),
    ]


def test_sail_s_ubuntu_image_with_php_packages_is_the_home(tmp_path: Path) -> None:
    found = _findings(_sail(tmp_path), _env(tmp_path))
    assert [_advised(f) for f in found] == [
        ["exec", "laravel.test", "php", "artisan", "test"],
        ["exec", "laravel.test", "composer", "install"],
        # Sail's own `artisan serve --port=80` holds 80: a second one on 8000, published for it
        ["run", "-p", "8000:8000", "--rm", "laravel.test", "php", "artisan", "serve", "--host=0.0.0.0"],
    ]


@pytest.mark.parametrize(("make", "argv", "service"), [
    (_laravel, ["composer", "install"], "workspace"),
    (_laravel, ["php", "artisan", "test"], "php-fpm"),
    (_symfony, ["composer", "require", "symfony/orm-pack"], "php"),
    (_sail, ["php", "artisan", "migrate"], "laravel.test"),
    (_sail, ["composer", "install"], "laravel.test"),
])
def test_exec_places_php_commands_as_preflight_does(tmp_path: Path, make: object, argv: list[str],
                                                    service: str) -> None:
    root = make(tmp_path)  # type: ignore[operator]
    host = Host(env=_env(tmp_path))
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    home, _ = placement(argv, root, Project(ProjectOptions(path=root, env=_env(tmp_path))), host)
    assert home is not None and home.service == service


def _exec(tmp_path: Path, root: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    env, record = fake_docker(tmp_path)
    env["HOME"] = str(tmp_path)
    host = Host(env=env)
    host.context = ExecutionContext(Runtime.HOST)  # type: ignore[misc]
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: True)
    monkeypatch.chdir(root)
    code = doctor.execute.execute(argv, Project(ProjectOptions(path=root, env=env)), host)
    return code, record.read_text().splitlines() if record.exists() else []


def test_exec_composer_install_runs_in_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    code, ran = _exec(tmp_path, _laravel(tmp_path), ["composer", "install"], monkeypatch)
    assert code == 0 and ran[ran.index("exec"):] == ["exec", "-T", "workspace", "composer", "install"]
    assert "running 'composer' in service 'workspace'" in capfd.readouterr().err


def test_exec_composer_no_image_installs_says_what_to_add(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capfd: pytest.CaptureFixture[str]) -> None:
    code, ran = _exec(tmp_path, _laravel(tmp_path, workspace=False), ["composer", "install"], monkeypatch)
    assert code != 0 and ran == []  # no service: here, where it is not found
    err = capfd.readouterr().err
    assert "doctor: note: this machine has no 'composer', and no service's image installs it ('php-fpm' runs PHP): " \
           "add `COPY --from=composer:2 /usr/bin/composer /usr/local/bin/composer` to " \
           "docker/common/php-fpm/Dockerfile (stage 'development')" in err


@pytest.mark.parametrize(("base", "run", "has"), [
    ("composer:2", "", True),
    ("laravelsail/php84-composer:latest", "", True),
    ("serversideup/php:8.3-fpm-nginx", "", True),
    ("php:8.3-fpm", "", False),
    ("php:8.3-fpm", "COPY --from=composer:2 /usr/bin/composer /usr/bin/composer\n", True),
    ("php:8.3-fpm", "RUN apt-get update && apt-get install -y \\\n    git \\\n    composer\n", True),
    ("php:8.3-fpm", "RUN apt-get install -y php-composer-ca-bundle\n", False),
    ("php:8.3-cli", "FROM composer:2 AS deps\nCOPY . /app\nRUN composer install\nFROM php:8.3-cli\n"
                    "COPY --from=deps /app/vendor /app/vendor\n", False),
])
def test_which_images_have_composer(tmp_path: Path, base: str, run: str, has: bool) -> None:
    from doctor.project.php_images import installs_composer

    (tmp_path / "Dockerfile").write_text(f"FROM {base}\n{run}" if not run.startswith("FROM") else
                                         f"FROM {base} AS first\n{run}")
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    build: .\n    volumes: ['.:/app']\n")
    project = Project(ProjectOptions(path=tmp_path, env=_env(tmp_path)))
    assert installs_composer(project, project.services["app"]) is has
