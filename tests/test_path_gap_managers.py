"""path-gap with version managers and Homebrew, each laid out as it lays itself out on disk.

The home is built under tmp_path: the manager's folders under their real names, its shims with the
text (or the symlink) the manager writes, and the startup-file lines its install docs give. A
manager's own program (mise, fnm, brew, nvm.sh) is a stand-in script printing what the real one
prints for the shell to eval: the login shell runs it, as it runs the real one; doctor runs none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_path_gap import BASH, asked, project_with, run_check, tool

ZSH = "/usr/bin/zsh"
# Debian's ~/.profile (bash reads it as a login shell, then the .bashrc) and .bashrc's first line
PROFILE = 'PATH="/usr/bin:/bin"\nif [ -n "$BASH_VERSION" ]; then\n    . "$HOME/.bashrc"\nfi\n'
INTERACTIVE = "case $- in *i*) ;; *) return;; esac\n"
# an IDE or another program that started doctor: no terminal, no shell level
IDE = {"SHELL": BASH}


def env_for(home: Path, path: str, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": path, **IDE, **extra}


def asdf_shim(data: Path, name: str, plugin: str, versions: list[str], go: bool) -> None:
    """A shim as `asdf reshim` writes it: asdf 0.16+ (Go) runs `asdf` from PATH, the bash releases before it
    ran $ASDF_DIR/bin/asdf and marked the line for their own grep."""
    comments = "".join(f"# asdf-plugin: {plugin} {version}\n" for version in versions)
    run = (f'exec asdf exec "{name}" "$@"' if go else
           f'exec {data}/bin/asdf exec "{name}" "$@" # asdf_allow: \' asdf \'\n')
    tool(data / "shims", name).write_text(f"#!/usr/bin/env bash\n{comments}{run}")


@pytest.mark.parametrize("go", [True, False], ids=["asdf-0.16", "asdf-0.15"])
def test_an_asdf_shim_is_the_version_it_picks(tmp_path: Path, go: bool) -> None:
    # the IDE runs with the version's own bin on PATH; the terminal with asdf's shims (its docs' line in
    # .bash_profile): one yarn while asdf picks 20.11.0 there, and said otherwise when .tool-versions moves
    home = tmp_path / "home"
    data = home / ".asdf"
    for version in ("20.11.0", "18.19.0"):
        tool(data / "installs" / "nodejs" / version / "bin", "yarn", version)
    asdf_shim(data, "yarn", "nodejs", ["18.19.0", "20.11.0"], go)
    (home / ".tool-versions").write_text("nodejs 20.11.0\n")
    (home / ".bash_profile").write_text('PATH="/usr/bin:/bin"\n'
                                        'export PATH="${ASDF_DATA_DIR:-$HOME/.asdf}/shims:$PATH"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    env = env_for(home, f"{data}/installs/nodejs/20.11.0/bin:/usr/bin:/bin")
    assert run_check(project, asked(env)) == []
    (project / ".tool-versions").write_text("# the project's\nnodejs 18.19.0\n")
    assert [f.message for f in run_check(project, env)] == [
        "'yarn' is ~/.asdf/installs/nodejs/20.11.0/bin/yarn on PATH but ~/.asdf/shims/yarn in the login shell "
        "(a shim running ~/.asdf/installs/nodejs/18.19.0/bin/yarn there)"]
    assert run_check(project, {**env, "ASDF_NODEJS_VERSION": "20.11.0"}) == []  # the variable beats the file


def test_an_rbenv_shim_is_the_version_it_picks(tmp_path: Path) -> None:
    # rbenv-rehash writes pyenv's shim with RBENV_ROOT; rbenv-version-file reads .ruby-version
    home = tmp_path / "home"
    root = home / ".rbenv"
    for version in ("3.3.0", "3.2.2"):
        tool(root / "versions" / version / "bin", "bundle", version)
    tool(root / "shims", "bundle").write_text(
        '#!/usr/bin/env bash\nset -e\n[ -n "$RBENV_DEBUG" ] && set -x\n\nprogram="${0##*/}"\n\n'
        f'export RBENV_ROOT="{root}"\nexec "/usr/lib/rbenv/libexec/rbenv" exec "$program" "$@"\n')
    (root / "version").write_text("3.3.0\n")
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + 'export PATH="$HOME/.rbenv/shims:$PATH"\n')
    project = project_with(tmp_path, "test:\n\tbundle exec rspec\n")
    env = env_for(home, f"{root}/versions/3.3.0/bin:/usr/bin:/bin")
    assert run_check(project, asked(env)) == []
    (project / ".ruby-version").write_text("ruby-3.2.2\n")
    assert [f.subject for f in run_check(project, env)] == ["tool-differs:bundle"]


def mise_home(tmp_path: Path) -> tuple[Path, Path]:
    """mise's data folder with node 20.11.0 and 22.1.0 installed (and the `20`, `22` links mise keeps),
    each shim a symlink to the mise binary, the global config picking node 20."""
    home = tmp_path / "home"
    data = home / ".local" / "share" / "mise"
    mise = tool(home / ".local" / "bin", "mise")
    for version in ("20.11.0", "22.1.0"):
        tool(data / "installs" / "node" / version / "bin", "yarn", version)
        os.symlink(f"./{version}", data / "installs" / "node" / version.split(".")[0])
    (data / "shims").mkdir(parents=True)
    os.symlink(mise, data / "shims" / "yarn")
    (home / ".config" / "mise").mkdir(parents=True)
    (home / ".config" / "mise" / "config.toml").write_text('[tools]\nnode = "20"  # the global one\n')
    return home, data


def test_a_mise_shim_is_the_version_it_picks(tmp_path: Path) -> None:
    home, data = mise_home(tmp_path)
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + 'eval "$(~/.local/bin/mise activate bash --shims)"\n')
    (home / ".local" / "bin" / "mise").write_text(
        '#!/bin/sh\n# stand-in: what `mise activate bash --shims` prints\necho \'export PATH="$HOME/.local/share/mise/'
        'shims:$PATH"\'\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    env = env_for(home, f"{data}/installs/node/20.11.0/bin:/usr/bin:/bin")
    assert run_check(project, asked(env)) == []
    (project / "mise.toml").write_text('[env]\nNODE_ENV = "development"\n\n[tools]\nnode = "22"\npython = "3.12"\n')
    assert [f.message for f in run_check(project, env)] == [
        "'yarn' is ~/.local/share/mise/installs/node/20.11.0/bin/yarn on PATH but ~/.local/share/mise/shims/yarn "
        "in the login shell (a shim running ~/.local/share/mise/installs/node/22/bin/yarn there)"]
    assert run_check(project, {**env, "MISE_NODE_VERSION": "20"}) == []
    (project / "mise.toml").unlink()
    (project / ".tool-versions").write_text("nodejs 22.1.0\n")  # asdf's name for it, which mise reads as node
    assert [f.subject for f in run_check(project, env)] == ["tool-differs:yarn"]
    (project / ".tool-versions").write_text("nodejs 20.11.0\n")
    assert run_check(project, env) == []


def test_a_volta_shim_is_the_version_it_picks(tmp_path: Path) -> None:
    # `volta setup` links ~/.volta/bin/yarn to volta-shim; the default platform is tools/user/platform.json,
    # a project's pins its package.json's "volta"
    home = tmp_path / "home"
    volta = home / ".volta"
    shim = tool(volta / "bin", "volta-shim")
    os.symlink(shim, volta / "bin" / "yarn")
    for version in ("1.22.19", "1.22.22"):
        tool(volta / "tools" / "image" / "yarn" / version / "bin", "yarn", version)
    (volta / "tools" / "user").mkdir(parents=True)
    (volta / "tools" / "user" / "platform.json").write_text(
        '{"node":{"runtime":"20.11.0","npm":null},"pnpm":null,"yarn":"1.22.19"}')
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text('export VOLTA_HOME="$HOME/.volta"\nexport PATH="$VOLTA_HOME/bin:$PATH"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    env = env_for(home, f"{volta}/tools/image/yarn/1.22.19/bin:/usr/bin:/bin")
    assert run_check(project, asked(env)) == []
    (project / "package.json").write_text(json.dumps({"name": "app", "volta": {"node": "20.11.0",
                                                                               "yarn": "1.22.22"}}))
    assert [f.subject for f in run_check(project, env)] == ["tool-differs:yarn"]


def fix_of(findings: list) -> str:  # type: ignore[type-arg]
    [finding] = findings
    assert finding.fix is not None
    return str(finding.fix.title)


def test_fnm_s_per_shell_folder_is_never_the_advice(tmp_path: Path) -> None:
    # `fnm env` links a new ~/.local/state/fnm_multishells/PID_MILLIS to aliases/default for each shell and
    # prints its bin for PATH: that folder is gone with the shell, so the advice names aliases/default
    home = tmp_path / "home"
    fnm_dir = home / ".local" / "share" / "fnm"
    installed = fnm_dir / "node-versions" / "v20.11.0" / "installation"
    tool(installed / "bin", "pnpm")
    (fnm_dir / "aliases").mkdir(parents=True)
    os.symlink(installed, fnm_dir / "aliases" / "default")
    tool(fnm_dir, "fnm").write_text(
        '#!/bin/sh\n# stand-in: what `fnm env` does and prints\n'
        'd="$HOME/.local/state/fnm_multishells/$$_$(date +%s)000"\n'
        'mkdir -p "${d%/*}" && ln -s "$HOME/.local/share/fnm/aliases/default" "$d"\n'
        'echo "export PATH=\\"$d/bin\\":\\"\\$PATH\\""\necho "export FNM_MULTISHELL_PATH=\\"$d\\""\n')
    (home / ".profile").write_text(PROFILE)
    # fnm's installer's lines
    (home / ".bashrc").write_text(INTERACTIVE + '# fnm\nFNM_PATH="$HOME/.local/share/fnm"\n'
                                  'if [ -d "$FNM_PATH" ]; then\n  export PATH="$FNM_PATH:$PATH"\n'
                                  '  eval "`fnm env`"\nfi\n')
    project = project_with(tmp_path, "dev:\n\tpnpm dev\n")
    env = env_for(home, "/usr/bin:/bin", SHLVL="1")  # a `bash -c` script
    findings = run_check(project, env)
    assert "/fnm_multishells/" in findings[0].message  # where the login shell found it, as it is
    assert fix_of(findings) == (
        "add 'export PATH=\"$HOME/.local/share/fnm/aliases/default/bin:$PATH\"' to ~/.bashenv, with "
        "BASH_ENV=$HOME/.bashenv set where the script starts (`fnm env` links a folder per shell, gone with it; "
        "aliases/default is fnm's default version)")


def test_mise_activate_s_version_folder_gives_way_to_its_shims(tmp_path: Path) -> None:
    # `mise activate bash` (its docs' line in .bashrc) puts installs/node/20.11.0/bin on PATH when it runs
    # and at each prompt, in interactive shells only; a make recipe never has it
    home, _ = mise_home(tmp_path)
    (home / ".local" / "bin" / "mise").write_text(
        "#!/bin/sh\n# stand-in: the PATH `mise activate bash` sets up (its hook-env's, at activation)\n"
        "echo 'export PATH=\"$HOME/.local/share/mise/installs/node/20.11.0/bin:$PATH\"'\n")
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + 'eval "$(~/.local/bin/mise activate bash)"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    findings = run_check(project, env_for(home, "/usr/bin:/bin", MAKELEVEL="1"))
    assert findings[0].message == ("'yarn' (make target 'lint') is found only by the login shell, in "
                                   "~/.local/share/mise/installs/node/20.11.0/bin")
    assert fix_of(findings) == (
        "add 'export PATH := $(HOME)/.local/share/mise/shims:$(PATH)' to the Makefile (`mise activate` sets PATH at "
        "the interactive prompt only; `mise activate --shims` adds these shims, which work everywhere)")


def test_nvm_s_folder_is_advised_with_what_pins_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    nvm = home / ".nvm"
    tool(nvm / "versions" / "node" / "v20.11.0" / "bin", "yarn")
    (nvm / "alias").mkdir(parents=True)
    (nvm / "alias" / "default").write_text("20\n")
    # stand-in for nvm.sh's load: `nvm use default` when an alias default exists
    (nvm / "nvm.sh").write_text('PATH="$NVM_DIR/versions/node/v20.11.0/bin:$PATH"\n')
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + 'export NVM_DIR="$HOME/.nvm"\n[ -s "$NVM_DIR/nvm.sh" ] && \\. '
                                                '"$NVM_DIR/nvm.sh"  # This loads nvm\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    findings = run_check(project, env_for(home, "/usr/bin:/bin", INVOCATION_ID="1"))  # a systemd service
    assert fix_of(findings) == (
        f"add 'PATH={nvm}/versions/node/v20.11.0/bin:$PATH' to ~/.config/environment.d/50-path.conf (user services; "
        "a system unit: Environment=) (nvm.sh sets it in interactive shells only; this pins v20.11.0: update it "
        "after `nvm alias default`)")


@pytest.mark.skipif(not os.access(ZSH, os.X_OK), reason="no zsh here")
def test_homebrew_s_line_goes_where_every_zsh_reads_it(tmp_path: Path) -> None:
    # Homebrew's installer says `eval "$(/opt/homebrew/bin/brew shellenv)"` >> ~/.zprofile, which only login
    # shells read: a zsh started by a terminal that is no login shell (or `zsh -c`) lacks `just`
    home = tmp_path / "home"
    home.mkdir()
    prefix = tmp_path / "homebrew"
    (prefix / "Cellar" / "just" / "1.25.0" / "bin").mkdir(parents=True)
    tool(prefix / "Cellar" / "just" / "1.25.0" / "bin", "just")
    tool(prefix / "bin", "brew").write_text(
        f"#!/bin/sh\n# stand-in: what `brew shellenv` prints\necho 'export HOMEBREW_PREFIX=\"{prefix}\";'\n"
        f"echo 'export PATH=\"{prefix}/bin:{prefix}/sbin${{PATH+:$PATH}}\";'\n")
    os.symlink(prefix / "Cellar" / "just" / "1.25.0" / "bin" / "just", prefix / "bin" / "just")
    (home / ".zshenv").write_text('PATH="/usr/bin:/bin"\n')
    (home / ".zprofile").write_text(f'eval "$({prefix}/bin/brew shellenv)"\n')
    project = project_with(tmp_path, "lint:\n\tjust lint\n")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": ZSH, "TERM": "xterm-256color", "SHLVL": "1"}
    findings = run_check(project, env)
    assert findings[0].message == f"'just' (make target 'lint') is found only by the login shell, in {prefix}/bin"
    assert fix_of(findings) == (f"add 'eval \"$({prefix}/bin/brew shellenv)\"' to ~/.zshenv (~/.zprofile has it, "
                                "which only login shells read: keep it there too)")
    # a make recipe reads no startup file: the Makefile's line, and nothing said of ~/.zprofile
    findings = run_check(project, {**env, "MAKELEVEL": "1", "TERM": "", "SHLVL": ""})
    assert fix_of(findings) == f"add 'export PATH := {prefix}/bin:$(PATH)' to the Makefile"


def test_no_finding_where_every_process_has_the_manager_s_tools(tmp_path: Path) -> None:
    # the precision case: the same shims on both PATHs (the IDE started from a login session), nothing to say
    home, data = mise_home(tmp_path)
    asdf_shim(home / ".asdf", "pnpm", "nodejs", ["20.11.0"], go=True)
    tool(home / ".asdf" / "installs" / "nodejs" / "20.11.0" / "bin", "pnpm")
    (home / ".tool-versions").write_text("nodejs 20.11.0\n")
    path = f"{data}/shims:{home}/.asdf/shims:/usr/bin:/bin"
    (home / ".profile").write_text(f'PATH="{path}"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n\tpnpm lint\n")
    assert run_check(project, asked(env_for(home, path))) == []


def test_mise_activate_s_project_version_against_the_login_shell_s_default(tmp_path: Path) -> None:
    # a terminal in the project: `mise activate` switched PATH to the node its mise.toml pins (22), while the
    # login shell doctor asks starts in HOME and has the global 20: that difference is mise doing its job
    home, data = mise_home(tmp_path)
    (home / ".local" / "bin" / "mise").write_text(
        "#!/bin/sh\n# stand-in: the PATH `mise activate bash` sets up in HOME (hook-env, global config)\n"
        "echo 'export PATH=\"$HOME/.local/share/mise/installs/node/20.11.0/bin:$PATH\"'\n")
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + 'eval "$(~/.local/bin/mise activate bash)"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    (project / "mise.toml").write_text('[tools]\nnode = "22"\n')
    env = env_for(home, f"{data}/installs/node/22.1.0/bin:/usr/bin:/bin", TERM="xterm", SHLVL="2")
    assert run_check(project, asked(env)) == []
    (project / "mise.toml").write_text('[tools]\nnode = "20"\n')  # a terminal left on 22 after the pin moved
    assert [f.subject for f in run_check(project, env)] == ["tool-differs:yarn"]


def test_fnm_use_on_cd_s_project_version_is_expected(tmp_path: Path) -> None:
    # `fnm env --use-on-cd` relinks the shell's multishell folder to the .nvmrc's version on `cd`; the login
    # shell's own folder links aliases/default
    home = tmp_path / "home"
    fnm_dir = home / ".local" / "share" / "fnm"
    for version in ("v20.11.0", "v18.19.0"):
        tool(fnm_dir / "node-versions" / version / "installation" / "bin", "pnpm", version)
    (fnm_dir / "aliases").mkdir(parents=True)
    os.symlink(fnm_dir / "node-versions" / "v20.11.0" / "installation", fnm_dir / "aliases" / "default")
    shells = home / ".local" / "state" / "fnm_multishells"
    shells.mkdir(parents=True)
    os.symlink(fnm_dir / "node-versions" / "v18.19.0" / "installation", shells / "4242_1733472000000")
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + 'd="$HOME/.local/state/fnm_multishells/$$_1733472000001"\n'
                                  'ln -s "$HOME/.local/share/fnm/aliases/default" "$d"\nexport PATH="$d/bin:$PATH"\n')
    project = project_with(tmp_path, "dev:\n\tpnpm dev\n")
    (project / ".nvmrc").write_text("v18\n")
    env = env_for(home, f"{shells}/4242_1733472000000/bin:/usr/bin:/bin", TERM="xterm", SHLVL="2")
    assert run_check(project, asked(env)) == []
    (project / ".nvmrc").write_text("lts/iron\n")  # an alias files cannot resolve: fnm chose it, not doctor
    assert run_check(project, env) == []
    (project / ".nvmrc").write_text("20\n")
    [finding] = run_check(project, env)
    assert finding.subject == "tool-differs:pnpm"
    assert finding.fix is not None and "aliases/default/bin" in finding.fix.title  # never a per-shell folder


# Debian 12's /etc/sudoers, its lines as shipped (tabs included), and a drop-in that adds /snap/bin as Ubuntu's does
DEBIAN_SUDOERS = ('Defaults\tenv_reset\nDefaults\tmail_badpass\n'
                  'Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n'
                  'Defaults\tuse_pty\n\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n\n@includedir {d}\n')


@pytest.mark.parametrize(("recipe", "found"), [
    ("sudo poetry install", True),
    ("@sudo -E -u root poetry install --sync", True),
    ("cd api && sudo --preserve-env poetry install", True),
    ('sudo env PATH="$$PATH" poetry install', False),  # sudo given the user's PATH: it finds poetry
    ("poetry install", False),
])
def test_a_tool_sudo_looks_up_on_its_secure_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recipe: str,
                                                 found: bool) -> None:
    # `sudo poetry install` on Debian: "sudo: poetry: command not found", poetry being in ~/.local/bin
    from doctor.host import sudoers

    home = tmp_path / "home"
    local = home / ".local" / "bin"
    tool(local, "poetry")
    (home / ".profile").write_text(f'PATH="{local}:/usr/bin:/bin"\n')
    dropins = tmp_path / "sudoers.d"
    dropins.mkdir()
    (dropins / "README").write_text("# files in this folder are read by sudo\n")
    (dropins / "old.dpkg-old").write_text('Defaults secure_path="/home:/usr/bin"\n')  # a name sudo skips
    (tmp_path / "sudoers").write_text(DEBIAN_SUDOERS.format(d=dropins))
    monkeypatch.setattr(sudoers, "SUDOERS", str(tmp_path / "sudoers"))
    project = project_with(tmp_path, f"install:\n\t{recipe}\n")
    (project / "api").mkdir()
    env = env_for(home, f"{local}:/usr/bin:/bin", TERM="xterm", SHLVL="1")
    findings = [f for f in run_check(project, asked(env)) if f.subject.startswith("sudo:")]
    if not found:
        assert findings == []
        return
    assert [(f.severity.name, f.message) for f in findings] == [
        ("WARNING", f"'poetry' (make target 'install') runs through sudo, whose secure_path ({tmp_path}/sudoers:3) "
                    "lacks ~/.local/bin")]
    assert fix_of(findings) == (f"name it by its path, `sudo {local}/poetry`, or run it without sudo (secure_path "
                                "replaces PATH, `sudo -E` too)")
    (dropins / "snap").write_text(f'Defaults secure_path="{local}:/usr/bin:/bin"\n')  # a drop-in that adds it
    assert [f for f in run_check(project, env) if f.subject.startswith("sudo:")] == []


def test_a_sudoers_only_root_can_read_is_a_note_for_a_home_folder(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from doctor.host import sudoers

    home = tmp_path / "home"
    tool(home / ".local" / "bin", "poetry")
    tool(tmp_path / "opt" / "bin", "just")
    closed = tmp_path / "sudoers"
    closed.mkdir()  # read as a folder: refused, as a 0440 root:root file is for a user
    monkeypatch.setattr(sudoers, "SUDOERS", str(closed))
    (home / ".profile").write_text('PATH="/usr/bin:/bin"\n')
    project = project_with(tmp_path, "install:\n\tsudo poetry install\n\tsudo just setup\n")
    env = env_for(home, f"{home}/.local/bin:{tmp_path}/opt/bin:/usr/bin:/bin")
    findings = [f for f in run_check(project, asked(env)) if f.subject.startswith("sudo:")]
    assert [(f.severity.name, f.subject) for f in findings] == [("INFO", "sudo:poetry")]  # /opt: unknown, not said
    assert "where /etc/sudoers sets one (Debian, Ubuntu, Fedora; root's to read here)" in findings[0].message


@pytest.mark.skipif(os.geteuid() != 0, reason="sudo runs doctor as root")
def test_doctor_run_through_sudo_says_whose_paths_it_compares(tmp_path: Path) -> None:
    # `sudo doctor preflight` (the docker socket being root's): sudo sets PATH to secure_path and SHELL, HOME
    # to root's, so the user's ~/.local/bin tools are on neither side and nothing was said
    home = tmp_path / "root-home"
    home.mkdir()
    (home / ".profile").write_text('PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n')
    project = project_with(tmp_path, "lint:\n\truff check .\n")
    env = env_for(home, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", SUDO_USER="dev",
                  SUDO_UID="1000", USER="root", LOGNAME="root")
    notes = [f.message for f in run_check(project, asked(env)) if f.subject == "sudo-run"]
    assert notes == ["doctor runs through sudo for 'dev': PATH is sudo's and the login shell root's, so dev's "
                     "tools are not compared (run doctor as dev)"]
    assert [f for f in run_check(project, {**env, "SUDO_USER": "root"}) if f.subject == "sudo-run"] == []
