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


# a secure_path where no node is (this machine's /usr/bin may have one, which a user's nvm-only setup has not)
NO_NODE = 'Defaults env_reset\nDefaults secure_path="/usr/sbin:/sbin"\n'


def nvm_pnpm(tmp_path: Path) -> Path:
    """nvm's v20.11.0 with pnpm installed by npm: bin/pnpm links the package's script, which starts
    `#!/usr/bin/env node`; node beside it."""
    folder = tmp_path / "home" / ".nvm" / "versions" / "node" / "v20.11.0"
    tool(folder / "bin", "node")
    script = folder / "lib" / "node_modules" / "pnpm" / "bin" / "pnpm.cjs"
    script.parent.mkdir(parents=True)
    script.write_text("#!/usr/bin/env node\nrequire('../dist/pnpm.cjs')\n")
    script.chmod(0o755)
    (folder / "bin" / "pnpm").symlink_to("../lib/node_modules/pnpm/bin/pnpm.cjs")
    return folder / "bin"


def test_sudo_advice_for_an_env_node_script_passes_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `sudo ~/.nvm/.../bin/pnpm` fails "/usr/bin/env: 'node': No such file or directory": env looks node up on
    # secure_path; `sudo env "PATH=$PATH" pnpm` gives it the user's PATH ($$ in a Makefile)
    folder = nvm_pnpm(tmp_path)
    home = tmp_path / "home"
    (home / ".profile").write_text(f'PATH="{folder}:/usr/bin:/bin"\n')
    from doctor.host import sudoers

    (tmp_path / "sudoers").write_text(NO_NODE)
    monkeypatch.setattr(sudoers, "SUDOERS", str(tmp_path / "sudoers"))
    project = project_with(tmp_path, "tools:\n\tsudo pnpm install -g pm2\n")
    env = env_for(home, f"{folder}:/usr/bin:/bin", TERM="xterm", SHLVL="1")
    [finding] = [f for f in run_check(project, asked(env)) if f.subject.startswith("sudo:")]
    assert finding.fix is not None
    assert finding.fix.title == (
        "run `sudo env \"PATH=$$PATH\" pnpm`, or run it without sudo (pnpm starts with `#!/usr/bin/env node`, "
        "which secure_path has not; secure_path replaces PATH, `sudo -E` too)")
    # a system node on secure_path: the path would run pnpm on it, silently, not on the user's node
    tool(tmp_path / "sysbin", "node", "18.19.0")
    (tmp_path / "sudoers").write_text(f'Defaults secure_path="{tmp_path}/sysbin:/usr/sbin"\n')
    [finding] = [f for f in run_check(project, env) if f.subject.startswith("sudo:")]
    assert finding.fix is not None
    assert finding.fix.title.startswith(
        "run `sudo env \"PATH=$$PATH\" pnpm`, or run it without sudo (pnpm starts with `#!/usr/bin/env node`, "
        f"which secure_path finds as {tmp_path}/sysbin/node, not ~/.nvm/versions/node/v20.11.0/bin/node;")


@pytest.mark.parametrize("env_node", [False, True], ids=["binary", "env-node"])
def test_sudo_advice_for_a_shim_names_the_program_it_picks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           env_node: bool) -> None:
    # asdf 0.16's shim runs `asdf` by name, which secure_path has not; mise's and volta's run as root with
    # root's HOME: the program the shim picks here is what works
    from test_path_gap_managers import asdf_shim

    home = tmp_path / "home"
    data = home / ".asdf"
    program = tool(data / "installs" / "nodejs" / "20.11.0" / "bin", "yarn")
    if env_node:
        program.write_text("#!/usr/bin/env node\nrequire('../lib/cli.js')\n")
    asdf_shim(data, "yarn", "nodejs", ["20.11.0"], go=True)
    (home / ".tool-versions").write_text("nodejs 20.11.0\n")
    (home / ".profile").write_text(f'PATH="{data}/shims:/usr/bin:/bin"\n')
    from doctor.host import sudoers

    (tmp_path / "sudoers").write_text(NO_NODE)
    monkeypatch.setattr(sudoers, "SUDOERS", str(tmp_path / "sudoers"))
    project = project_with(tmp_path, "build:\n\tsudo yarn build\n")
    env = env_for(home, f"{data}/shims:/usr/bin:/bin", TERM="xterm", SHLVL="1")
    [finding] = [f for f in run_check(project, asked(env)) if f.subject.startswith("sudo:")]
    assert finding.fix is not None
    if env_node:
        assert finding.fix.title.startswith(f"run `sudo env \"PATH={program.parent}:$$PATH\" {program}`, the program "
                                            "the shim picks here, or run it without sudo (it starts with "
                                            "`#!/usr/bin/env node`")
    else:
        assert finding.fix.title.startswith(f"name the program the shim picks here, `sudo {program}`, or run it "
                                            "without sudo (a shim under sudo runs its manager as root")


def test_sudo_advice_for_another_user_who_cannot_reach_the_tool(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # `sudo -u nobody poetry`: a program under a HOME closed to others is "Permission denied" for that user
    # whatever path is named
    home = tmp_path / "home"
    home.mkdir(mode=0o750)
    findings = sudo_findings(tmp_path, monkeypatch, DEBIAN_SUDOERS, {}, "sudo -u nobody poetry install")
    [finding] = findings
    assert finding.fix is not None
    assert finding.fix.title.startswith("install poetry where 'nobody' can reach it, or run it without `-u nobody` "
                                        "(nobody cannot enter ")


def test_an_unreadable_sudoers_says_nothing_where_its_usual_path_has_a_copy(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # a user's ~/.local/bin/ls ahead of /usr/bin's: sudo finds /usr/bin/ls on any secure_path a distribution
    # sets, so a note that it may not find ls is wrong; poetry, only in ~/.local/bin, keeps its note
    from doctor.host import sudoers

    home = tmp_path / "home"
    local = home / ".local" / "bin"
    tool(local, "poetry")
    tool(local, "ls")
    closed = tmp_path / "sudoers"
    closed.mkdir()  # read as a folder: refused, as a 0440 root:root file is for a user
    monkeypatch.setattr(sudoers, "SUDOERS", str(closed))
    (home / ".profile").write_text(f'PATH="{local}:/usr/bin:/bin"\n')
    project = project_with(tmp_path, "install:\n\tsudo ls /srv\n\tsudo poetry install\n")
    env = env_for(home, f"{local}:/usr/bin:/bin")
    assert [f.subject for f in run_check(project, asked(env)) if f.subject.startswith("sudo:")] == ["sudo:poetry"]
