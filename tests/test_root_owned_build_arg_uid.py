"""root-owned-files: a stray owned by the uid a build arg gives the image's user is that service's.

nickjj/docker-rails-example (tests/replay/docker-rails-example): the Dockerfile's app stage runs
`useradd ... -u "${APP_UID}" -g "${APP_GID}" ruby` and `USER ruby`; compose builds it with
`APP_UID=${UID:-1000}` (compose.yaml:6). bash does not export UID, so on a checkout owned by uid 1001
the image's user is 1000 and `tmp/cache` and `log/development.log` come back owned by 1000 after
every `up`. The advice was a bare chown (a uid from a variable was no user doctor could name); it
now says what the project itself provides: UID and GID in .env, then a rebuild. Once .env says so,
the advice is the chown alone. Trees are built with chown, so the tests need root (CI runs as root).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from root_owned_checks import chown_tree, run_check, title

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="building a mixed-owner tree needs root")
UPSTREAM = Path(__file__).parent / "replay" / "docker-rails-example"


def _rails(tmp_path: Path, env_extra: str = "") -> Path:
    root = tmp_path / "rails"
    shutil.copytree(UPSTREAM, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".env").write_text((root / ".env.example").read_text() + env_extra)  # DOCKER_WEB_VOLUME=.:/app
    (root / "tmp" / "cache" / "bootsnap").mkdir(parents=True)
    (root / "tmp" / "cache" / "bootsnap" / "load-path-cache").write_text("x\n")
    chown_tree(tmp_path, 1001)
    chown_tree(root / "tmp" / "cache", 1000)  # what 'web' wrote as its user 'ruby'
    return root


@needs_root
def test_the_build_arg_uid_is_named_with_the_env_lines_that_give_your_ids(tmp_path: Path) -> None:
    advice = title(run_check(_rails(tmp_path))["owner:tmp"])
    assert advice.startswith("chown tmp/cache to 1001:1001 (then, if 'web' or "), advice
    assert advice.count("set UID=1001 and GID=1001 in .env") == 1, advice
    assert ("set UID=1001 and GID=1001 in .env and rebuild (`docker compose build`): compose.yaml:6 builds the "
            "user 'ruby' with APP_UID from ${UID}, which bash does not export, so it is uid 1000") in advice, advice


@needs_root
def test_with_your_ids_in_env_the_advice_is_the_chown_alone(tmp_path: Path) -> None:
    advice = title(run_check(_rails(tmp_path, "UID=1001\nGID=1001\n"))["owner:tmp"])
    assert "UID=" not in advice and "build" not in advice, advice


@needs_root
def test_a_root_owned_git_index_is_said_to_come_from_a_git_run_as_root(tmp_path: Path) -> None:
    """The audit's checkout: .git/index owned by root after a `sudo git pull`; every service binding `.:/app`
    runs as 'ruby', so no container of the project wrote it: the advice said only "no service mounting it
    runs as root", which leaves the reader asking who did; a git run as root did."""
    root = _rails(tmp_path, "UID=1001\nGID=1001\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "index").write_bytes(b"DIRC")
    os.chown(root / ".git", 1001, 1001)
    os.chown(root / ".git" / "HEAD", 1001, 1001)
    os.chown(root / ".git" / "index", 0, 0)
    assert title(run_check(root)["owner:.git"]) == (
        "chown .git/index to 1001:1001 (no service mounting it runs as root: a git run as root wrote it, on the "
        "host (sudo git ...) or in a container running git as root)")


@needs_root
@pytest.mark.parametrize(("written", "said"), [
    ('-u "${APP_UID}"', "from ${USER_ID}, which is not set, so it is uid 1000"),
    ("--uid=${APP_UID}", "from ${USER_ID}, which is not set, so it is uid 1000"),
    ("-u${APP_UID}", "from ${USER_ID}, which is not set, so it is uid 1000"),
])
def test_a_variable_other_than_uid_is_said_unset_not_unexported_by_bash(
        tmp_path: Path, written: str, said: str) -> None:
    """`APP_UID=${USER_ID:-1000}`: "which bash does not export" is true of UID alone (bash has no GID at all);
    `--uid=${APP_UID}` and `-u${APP_UID}` named no variable, so the advice was the bare chown."""
    root = _rails(tmp_path)
    compose = root / "compose.yaml"
    compose.write_text(compose.read_text().replace("${UID:-1000}", "${USER_ID:-1000}"))
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace('-u "${APP_UID}"', written))
    advice = title(run_check(root)["owner:tmp"])
    assert "set USER_ID=1001 and GID=1001 in .env and rebuild" in advice and said in advice, advice
    assert "bash" not in advice, advice


def test_the_uid_variable_of_each_way_useradd_is_written() -> None:
    from doctor.checks.root_owned_files.created_user import _uid_arg

    for segment in ('useradd -u "${APP_UID}" ruby', "useradd --uid=${APP_UID} ruby", "useradd -u${APP_UID} ruby",
                    "useradd --uid $APP_UID ruby", "useradd -u ${APP_UID:-1000} ruby", "useradd -u ${APP_UID-1} x"):
        assert _uid_arg(segment) == "APP_UID", segment
    for segment in ("useradd -u 1000 ruby", "useradd -U ruby", "useradd --uid=1000 ruby", "useradd -m ruby"):
        assert _uid_arg(segment) is None, segment
