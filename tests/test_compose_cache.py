"""The installed compose's version is remembered while the programs it came from are unchanged."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from doctor.host import compose_cache
from doctor.host.facts import compose_version

DOCKER = """#!/bin/sh
echo run >> "{log}"
{delay}
[ "$1" = compose ] && [ "$2" = version ] && echo "Docker Compose version v{version}" && exit 0
exit 1
"""


def fake_docker(folder: Path, log: Path, version: str = "2.40.3", delay: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "docker"
    program.write_text(DOCKER.format(log=log, version=version, delay=delay))
    program.chmod(0o755)
    return program


def runs(log: Path) -> int:
    return len(log.read_text().split()) if log.exists() else 0


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "home").mkdir()
    return {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
            "XDG_CACHE_HOME": str(tmp_path / "cache")}


def test_the_version_is_asked_once_while_nothing_changes(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    assert compose_version(env, 5) == (2, 40, 3)
    assert compose_version(env, 5) == (2, 40, 3)
    assert runs(log) == 1


def test_a_changed_docker_is_asked_again(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    assert compose_version(env, 5) == (2, 40, 3)
    time.sleep(0.01)
    fake_docker(tmp_path / "bin", log, version="2.41.0")  # an upgrade rewrites the program
    assert compose_version(env, 5) == (2, 41, 0)
    assert runs(log) == 2


def test_a_plugin_appearing_where_docker_looks_is_asked_again(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    compose_version(env, 5)
    plugins = Path(env["HOME"]) / ".docker" / "cli-plugins"
    plugins.mkdir(parents=True)
    (plugins / "docker-compose").write_text("#!/bin/sh\n")
    compose_version(env, 5)
    assert runs(log) == 2


def test_no_cache_asks_every_time(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    off = {**env, "DOCTOR_NO_CACHE": "1"}
    compose_version(off, 5)
    compose_version(off, 5)
    assert runs(log) == 2 and not (tmp_path / "cache").exists()


def test_a_timeout_is_not_remembered(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, delay="sleep 5")
    assert compose_version(env, 0.3) is None
    assert not (tmp_path / "cache" / "doctor" / compose_cache.FILE).exists()


def test_no_compose_is_remembered_too(tmp_path: Path, env: dict[str, str]) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log, version="x")  # answers, but no version in it
    assert compose_version(env, 5) is None
    assert compose_version(env, 5) is None
    assert runs(log) == 1


def test_an_old_or_damaged_entry_is_a_miss(tmp_path: Path, env: dict[str, str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log"
    fake_docker(tmp_path / "bin", log)
    compose_version(env, 5)
    monkeypatch.setattr(compose_cache, "MAX_AGE", -1.0)
    compose_version(env, 5)
    monkeypatch.setattr(compose_cache, "MAX_AGE", 3600.0)
    (tmp_path / "cache" / "doctor" / compose_cache.FILE).write_text("[1, 2")
    assert compose_version(env, 5) == (2, 40, 3)
    assert runs(log) == 3
    assert os.path.getsize(tmp_path / "cache" / "doctor" / compose_cache.FILE) > 10


PLUGIN = """#!/bin/sh
echo "$*" >> "{log}"
[ "$1" = docker-cli-plugin-metadata ] || exit 1
echo '{{"SchemaVersion": "0.1.0", "Vendor": "Docker Inc.", "Version": "v{version}", "ShortDescription": "x"}}'
"""


def real_cli(folder: Path) -> Path:
    """A compiled program named `docker` (a copy of `true`): what compose_cache.plugin takes for the docker CLI.
    Run, it prints nothing: a version found came from the plugin."""
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "docker"
    program.write_bytes(Path("/bin/true").read_bytes())
    program.chmod(0o755)
    return program


def fake_plugin(folder: Path, log: Path, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "docker-compose"
    program.write_text(PLUGIN.format(log=log, version=version))
    program.chmod(0o755)
    return program


def test_the_docker_clis_compose_plugin_is_asked_directly(tmp_path: Path, env: dict[str, str]) -> None:
    docker = real_cli(tmp_path / "bin")
    log = tmp_path / "log"
    plugin = fake_plugin(tmp_path / "home" / ".docker" / "cli-plugins", log, "2.39.1")
    assert compose_cache.plugin(env, str(docker)) == str(plugin)
    assert compose_version(env, 5) == (2, 39, 1)
    assert log.read_text().split() == ["docker-cli-plugin-metadata"]


def test_the_plugin_is_found_where_the_cli_looks_first(tmp_path: Path, env: dict[str, str]) -> None:
    """docker/cli's getPluginDirs: config.json's cliPluginsExtraDirs, then DOCKER_CONFIG's
    (else ~/.docker's) cli-plugins, then the system folders; a broken symlink is skipped."""
    docker = real_cli(tmp_path / "bin")
    log = tmp_path / "log"
    config = tmp_path / "config"
    own = fake_plugin(config / "cli-plugins", log, "2.30.0")
    extra = fake_plugin(tmp_path / "extra", log, "2.31.0")
    env = {**env, "DOCKER_CONFIG": str(config)}
    assert compose_cache.plugin(env, str(docker)) == str(own)
    extra_dirs = [str(tmp_path / "gone"), str(extra.parent)]
    (config / "config.json").write_text(json.dumps({"cliPluginsExtraDirs": extra_dirs}))
    (tmp_path / "gone").mkdir()
    (tmp_path / "gone" / "docker-compose").symlink_to(tmp_path / "nowhere")
    assert compose_cache.plugin(env, str(docker)) == str(extra)
    assert compose_version(env, 5) == (2, 31, 0)


def test_a_docker_that_is_not_the_docker_cli_is_run_as_it_is(tmp_path: Path, env: dict[str, str]) -> None:
    """podman's `docker` is a script (or podman itself): `docker compose version` is run, not a plugin."""
    log = tmp_path / "log"
    docker = fake_docker(tmp_path / "bin", log, version="5.1.0")
    fake_plugin(tmp_path / "home" / ".docker" / "cli-plugins", tmp_path / "plugin-log", "2.39.1")
    assert compose_cache.plugin(env, str(docker)) is None
    assert compose_version(env, 5) == (5, 1, 0)
    podman = real_cli(tmp_path / "podman-bin")
    podman.rename(tmp_path / "podman-bin" / "podman")
    (tmp_path / "podman-bin" / "docker").symlink_to(tmp_path / "podman-bin" / "podman")
    assert compose_cache.plugin(env, str(tmp_path / "podman-bin" / "docker")) is None
    assert not (tmp_path / "plugin-log").exists()


def test_a_first_plugin_that_cannot_run_is_left_to_the_cli(tmp_path: Path, env: dict[str, str]) -> None:
    docker = real_cli(tmp_path / "bin")
    plugin = fake_plugin(tmp_path / "home" / ".docker" / "cli-plugins", tmp_path / "log", "2.39.1")
    plugin.chmod(0o644)
    if os.access(plugin, os.X_OK):
        pytest.skip("root may run any file")
    assert compose_cache.plugin(env, str(docker)) is None


def test_a_first_plugin_that_is_no_program_is_left_to_the_cli(tmp_path: Path, env: dict[str, str]) -> None:
    """docker/cli's PluginRunCommand takes the first candidate stat() does not call absent, and
    fails on one that is a folder: so `docker compose version` decides, not a later plugin."""
    docker = real_cli(tmp_path / "bin")
    folder = tmp_path / "home" / ".docker" / "cli-plugins" / "docker-compose"
    folder.mkdir(parents=True)
    assert compose_cache.plugin(env, str(docker)) is None
    folder.rmdir()
    (tmp_path / "target").mkdir()
    folder.symlink_to(tmp_path / "target")
    assert compose_cache.plugin(env, str(docker)) is None
    folder.unlink()
    folder.symlink_to(folder)  # a loop: stat() fails, but not as absent
    assert compose_cache.plugin(env, str(docker)) is None


def cli_with_compose(folder: Path, log: Path, version: str) -> Path:
    """A compiled `docker` (a copy of env) whose `docker compose version` runs the `compose` script
    beside it: the CLI's own answer, logged."""
    docker = folder / "docker"
    folder.mkdir(parents=True, exist_ok=True)
    docker.write_bytes(Path("/usr/bin/env").read_bytes())
    docker.chmod(0o755)
    script = folder / "compose"
    script.write_text(f'#!/bin/sh\necho "cli $*" >> "{log}"\necho "Docker Compose version v{version}"\n')
    script.chmod(0o755)
    return docker


@pytest.mark.parametrize("metadata", [
    '{"SchemaVersion": "0.1.0", "Version": "v9.9.9"}',  # no Vendor: the CLI refuses the plugin
    '{"SchemaVersion": "1.0.0", "Vendor": "x", "Version": "v9.9.9"}',  # newer CLIs take it, older do not
    "not json",
])
def test_metadata_the_cli_may_read_otherwise_is_left_to_the_cli(tmp_path: Path, env: dict[str, str],
                                                                  metadata: str) -> None:
    log = tmp_path / "log"
    cli_with_compose(tmp_path / "bin", log, "7.7.7")
    plugin = tmp_path / "home" / ".docker" / "cli-plugins" / "docker-compose"
    plugin.parent.mkdir(parents=True)
    plugin.write_text(f"#!/bin/sh\necho plugin >> \"{log}\"\necho '{metadata}'\n")
    plugin.chmod(0o755)
    assert compose_version(env, 5) == (7, 7, 7)
    assert log.read_text().split("\n")[:2] == ["plugin", "cli version"]


def test_the_clis_config_is_read_as_the_cli_reads_it(tmp_path: Path, env: dict[str, str]) -> None:
    """Keys without regard to case (Go's encoding/json, the last one winning); an alias other
    than the CLI's own may change the command: left to the CLI; HOME unset: the passwd home."""
    docker = real_cli(tmp_path / "bin")
    log = tmp_path / "log"
    extra = fake_plugin(tmp_path / "extra", log, "2.31.0")
    config = tmp_path / "home" / ".docker"
    config.mkdir(parents=True)
    (config / "config.json").write_text(json.dumps({"cliPluginsExtraDirs": ["/nowhere"],
                                                    "CLIPluginsExtraDirs": [str(extra.parent)]}))
    assert compose_cache.plugin(env, str(docker)) == str(extra)
    (config / "config.json").write_text(json.dumps({"aliases": {"compose": "buildx"}}))
    assert compose_cache.plugin(env, str(docker)) is None
    import pwd

    without_home = {k: v for k, v in env.items() if k != "HOME"}
    own = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".docker" / "cli-plugins"
    assert compose_cache.plugin_folders(without_home)[0] == str(own)


def test_the_plugin_asked_directly_answers_as_docker_compose_version(docker_engine: str) -> None:
    """On a machine with the docker CLI and its compose plugin: the version doctor reads from the
    plugin is the one `docker compose version` prints."""
    import subprocess

    from doctor.host.facts import parse_compose_version

    env = {**os.environ, "DOCTOR_NO_CACHE": "1"}
    expected = parse_compose_version(subprocess.run([docker_engine, "compose", "version"], capture_output=True,
                                                    text=True, timeout=30).stdout)
    assert expected is not None
    assert compose_version(env, 10) == expected
