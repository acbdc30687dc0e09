"""path-gap's `sudo TOOL` lookups, read from sudoers files as sudo reads them (a test file stands for
/etc/sudoers: the real one is never read or touched), over a home whose ~/.local/bin has poetry."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from test_path_gap import asked, project_with, run_check, tool
from test_path_gap_managers import DEBIAN_SUDOERS, env_for

DEBIAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def sudo_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main: str, files: dict[str, str],
                  recipe: str = "sudo poetry install") -> list:  # type: ignore[type-arg]
    """path-gap's sudo findings for `recipe`, /etc/sudoers being `main` ({d}: the drop-in folder, {local}:
    the home's ~/.local/bin) beside `files` (drop-ins under d/, others beside the main file)."""
    from doctor.host import sudoers

    home = tmp_path / "home"
    local = home / ".local" / "bin"
    tool(local, "poetry")
    (home / ".profile").write_text(f'PATH="{local}:/usr/bin:/bin"\n')
    etc = tmp_path / "etc"
    (etc / "d").mkdir(parents=True)
    for name, text in files.items():
        (etc / name).write_text(text.format(local=local, user=getpass.getuser()))
    (etc / "sudoers").write_text(main.format(d=etc / "d", local=local, user=getpass.getuser()))
    monkeypatch.setattr(sudoers, "SUDOERS", str(etc / "sudoers"))
    project = project_with(tmp_path, f"install:\n\t{recipe}\n")
    env = env_for(home, f"{local}:/usr/bin:/bin", TERM="xterm", SHLVL="1")
    return [f for f in run_check(project, asked(env)) if f.subject.startswith("sudo:")]


@pytest.mark.parametrize(("main", "files", "source"), [
    # a drop-in's `!secure_path`: sudo keeps the user's PATH, and finds poetry
    (DEBIAN_SUDOERS, {"d/keep-path": "Defaults !secure_path\n"}, None),
    # a per-user line beats the generic one, wherever it stands
    ('Defaults:{user} secure_path="{local}:/usr/bin:/bin"\n' + DEBIAN_SUDOERS, {}, None),
    ('Defaults:%nosuchgroup,{user} secure_path="{local}:/usr/bin:/bin"\n' + DEBIAN_SUDOERS, {}, None),
    # a continued line whose second half adds the folder
    ('Defaults env_reset\nDefaults secure_path="/usr/bin:/bin:\\\n    {local}"\n', {}, None),
    # a trailing comment: the line still sets it
    (f'Defaults env_reset\nDefaults secure_path="{DEBIAN_PATH}"  # site default\n', {}, ":2"),
    # several parameters on one line
    (f'Defaults env_reset, secure_path="{DEBIAN_PATH}", use_pty\n', {}, ":1"),
    # an @include, named relative to the including file
    ("Defaults env_reset\n@include site.conf\n", {"site.conf": f'Defaults secure_path="{DEBIAN_PATH}"\n'},
     "site.conf:1"),
    # a line for another user does not apply to this one
    (f'Defaults:nosuchuser secure_path="{{local}}:/usr/bin"\nDefaults secure_path="{DEBIAN_PATH}"\n', {}, ":2"),
], ids=["not-secure-path", "per-user", "per-user-list", "continued", "comment", "combined", "include",
        "other-user"])
def test_sudoers_is_read_as_sudo_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main: str,
                                          files: dict[str, str], source: str | None) -> None:
    findings = sudo_findings(tmp_path, monkeypatch, main, files)
    if source is None:
        assert findings == []
        return
    [finding] = findings
    assert finding.message.startswith("'poetry' (make target 'install') runs through sudo, whose secure_path (")
    assert finding.message.endswith(f"{source}) lacks ~/.local/bin")


@pytest.mark.parametrize("recipe", [
    "sudo -Eu deploy poetry install",
    "sudo --user deploy poetry install",
    "sudo -iu deploy poetry install",
    "sudo --chdir /srv poetry install",
    "sudo -udeploy --preserve-env poetry install",
    "sudo --group=staff -- poetry install",
])
def test_sudo_s_combined_and_long_options_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      recipe: str) -> None:
    # an option's argument (`deploy`, `/srv`) is no program: poetry is what sudo looks up on secure_path
    findings = sudo_findings(tmp_path, monkeypatch, DEBIAN_SUDOERS, {}, recipe)
    assert [f.subject for f in findings] == ["sudo:poetry"]
