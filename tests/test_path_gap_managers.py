"""path-gap with version managers, each laid out as it lays itself out on disk.

The home is built under tmp_path: the manager's folders under their real names, its shims with the
text (or the symlink) the manager writes, and the startup-file lines its install docs give. A
manager's own program (mise) is a stand-in script printing what the real one prints for the shell
to eval: the login shell runs it, as it runs the real one; doctor runs none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_path_gap import BASH, asked, project_with, run_check, tool

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
