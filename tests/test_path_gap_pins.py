"""path-gap's reading of the version a manager picks per project, each layout on disk as the manager
writes it (versions installed, shims, the project's version files, the manager's own settings).

The login shell runs the startup files given; doctor runs no manager and no shim.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_path_gap import asked, project_with, run_check, tool
from test_path_gap_managers import INTERACTIVE, PROFILE, env_for, mise_home


@pytest.mark.parametrize(("plugin", "program", "versions"), [
    ("nodejs", "yarn", ("20.11.0", "22.1.0")),
    ("golang", "go", ("1.21.0", "1.22.1")),
])
def test_asdf_s_version_folder_the_project_pins_is_expected(tmp_path: Path, plugin: str, program: str,
                                                             versions: tuple[str, str]) -> None:
    # a terminal whose PATH has the version folder of the project's .tool-versions (asdf's plugin name, nodejs
    # or golang), the login shell, started in HOME, the default's: asdf's per-folder pick, no fault
    home = tmp_path / "home"
    installs = home / ".asdf" / "installs" / plugin
    default, pinned = versions
    for version in versions:
        tool(installs / version / "bin", program, version)
    (home / ".profile").write_text(f'PATH="{installs}/{default}/bin:/usr/bin:/bin"\n')
    project = project_with(tmp_path, f"build:\n\t{program} build\n")
    (project / ".tool-versions").write_text(f"{plugin} {pinned}\n")
    env = env_for(home, f"{installs}/{pinned}/bin:/usr/bin:/bin", TERM="xterm", SHLVL="2")
    assert run_check(project, asked(env)) == []
    (project / ".tool-versions").write_text(f"{plugin} {default}\n")  # the terminal left on the other
    assert [f.subject for f in run_check(project, env)] == [f"tool-differs:{program}"]


MISE_LONG_FORM = '[tools.node]\nversion = "22"\npostinstall = "corepack enable"\n\n[tools]\npython = "3.12"\n'


def test_mise_s_long_form_tool_table_is_the_project_s_pin(tmp_path: Path) -> None:
    # `[tools.node]` with `version = "22"` (mise's form for a tool with options): a terminal in the project, where
    # `mise activate` switched PATH to node 22, against the login shell's global 20
    home, data = mise_home(tmp_path)
    (home / ".local" / "bin" / "mise").write_text(
        "#!/bin/sh\n# stand-in: the PATH `mise activate bash` sets up in HOME (hook-env, global config)\n"
        "echo 'export PATH=\"$HOME/.local/share/mise/installs/node/20.11.0/bin:$PATH\"'\n")
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + 'eval "$(~/.local/bin/mise activate bash)"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    (project / "mise.toml").write_text(MISE_LONG_FORM)
    env = env_for(home, f"{data}/installs/node/22.1.0/bin:/usr/bin:/bin", TERM="xterm", SHLVL="2")
    assert run_check(project, asked(env)) == []
    (project / "mise.toml").write_text(MISE_LONG_FORM.replace('"22"', '"20"'))  # the pin moved, the terminal did not
    assert [f.subject for f in run_check(project, env)] == ["tool-differs:yarn"]


def test_mise_s_shim_reads_the_long_form_tool_table(tmp_path: Path) -> None:
    # the login shell with mise's shims (`mise activate --shims`), the IDE on node 22's own folder: one yarn where
    # the project's `[tools.node]` picks 22
    home, data = mise_home(tmp_path)
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + 'export PATH="$HOME/.local/share/mise/shims:$PATH"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    (project / "mise.toml").write_text(MISE_LONG_FORM)
    env = env_for(home, f"{data}/installs/node/22.1.0/bin:/usr/bin:/bin")
    assert run_check(project, asked(env)) == []
    (project / "mise.toml").write_text(MISE_LONG_FORM.replace('"22"', '"20"'))
    assert [f.message for f in run_check(project, env)] == [
        "'yarn' is ~/.local/share/mise/installs/node/22.1.0/bin/yarn on PATH but ~/.local/share/mise/shims/yarn "
        "in the login shell (a shim running ~/.local/share/mise/installs/node/20/bin/yarn there)"]


def test_volta_s_workspace_extends_the_root_s_pins(tmp_path: Path) -> None:
    # volta's workspaces (docs.volta.sh/advanced/workspaces): a package's `"volta": {"extends": "../../package.json"}`
    # takes the root's pins; the recipe runs yarn in packages/web, the IDE on the root's yarn 1.22.22
    home = tmp_path / "home"
    volta = home / ".volta"
    os.symlink(tool(volta / "bin", "volta-shim"), volta / "bin" / "yarn")
    for version in ("1.22.19", "1.22.22"):
        tool(volta / "tools" / "image" / "yarn" / version / "bin", "yarn", version)
    (volta / "tools" / "user").mkdir(parents=True)
    (volta / "tools" / "user" / "platform.json").write_text(
        '{"node":{"runtime":"20.11.0","npm":null},"pnpm":null,"yarn":"1.22.19"}')
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text('export VOLTA_HOME="$HOME/.volta"\nexport PATH="$VOLTA_HOME/bin:$PATH"\n')
    project = project_with(tmp_path, "build:\n\tcd packages/web && yarn build\n")
    (project / "package.json").write_text(json.dumps({"name": "root", "private": True,
                                                      "volta": {"node": "20.11.0", "yarn": "1.22.22"}}))
    (project / "packages" / "web").mkdir(parents=True)
    (project / "packages" / "web" / "package.json").write_text(json.dumps(
        {"name": "web", "volta": {"extends": "../../package.json"}}))
    env = env_for(home, f"{volta}/tools/image/yarn/1.22.22/bin:/usr/bin:/bin")
    assert run_check(project, asked(env)) == []
    (project / "packages" / "web" / "package.json").write_text(json.dumps(  # its own pin over the root's
        {"name": "web", "volta": {"extends": "../../package.json", "yarn": "1.22.19"}}))
    assert [f.message for f in run_check(project, env)] == [
        "'yarn' is ~/.volta/tools/image/yarn/1.22.22/bin/yarn on PATH but ~/.volta/bin/yarn in the login shell "
        "(a shim running ~/.volta/tools/image/yarn/1.22.19/bin/yarn there)"]


@pytest.mark.parametrize(("manager", "program", "file"), [
    ("rbenv", "bundle", ".ruby-version"),
    ("nodenv", "yarn", ".node-version"),
])
def test_rbenv_and_nodenv_take_no_version_prefix(tmp_path: Path, manager: str, program: str, file: str) -> None:
    # rbenv-version-name (nodenv's likewise) tries `3.3` as written: with 3.3.0 and 3.3.5 installed the terminal's
    # `make test` fails "rbenv: version `3.3' is not installed", while the IDE runs 3.3.5's own bundle
    home = tmp_path / "home"
    root = home / f".{manager}"
    for version in ("3.3.0", "3.3.5"):
        tool(root / "versions" / version / "bin", program, version)
    name = manager.upper()
    tool(root / "shims", program).write_text(
        f'#!/usr/bin/env bash\nset -e\n[ -n "${name}_DEBUG" ] && set -x\n\nprogram="${{0##*/}}"\n\n'
        f'export {name}_ROOT="{root}"\nexec "/usr/lib/{manager}/libexec/{manager}" exec "$program" "$@"\n')
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + f'export PATH="$HOME/.{manager}/shims:$PATH"\n')
    project = project_with(tmp_path, f"test:\n\t{program} exec rspec\n")
    (project / file).write_text("3.3.5\n")
    env = env_for(home, f"{root}/versions/3.3.5/bin:/usr/bin:/bin")
    assert run_check(project, asked(env)) == []
    (project / file).write_text("3.3\n")
    assert [f.message for f in run_check(project, env)] == [
        f"'{program}' is ~/.{manager}/versions/3.3.5/bin/{program} on PATH but ~/.{manager}/shims/{program} in the "
        "login shell"]


def test_asdf_s_legacy_version_file_is_read_when_asdfrc_says_so(tmp_path: Path) -> None:
    # ~/.asdfrc's `legacy_version_file = yes`: asdf reads the nodejs plugin's .nvmrc (its list-legacy-filenames)
    # after .tool-versions in each folder, so the shim runs the project's 22.1.0, the IDE's
    from test_path_gap_managers import asdf_shim

    home = tmp_path / "home"
    data = home / ".asdf"
    for version in ("20.11.0", "22.1.0"):
        tool(data / "installs" / "nodejs" / version / "bin", "yarn", version)
    tool(data / "plugins" / "nodejs" / "bin", "list-legacy-filenames").write_text(
        '#!/usr/bin/env bash\necho ".nvmrc .node-version"\n')
    asdf_shim(data, "yarn", "nodejs", ["20.11.0", "22.1.0"], go=True)
    (home / ".tool-versions").write_text("nodejs 20.11.0\n")
    (home / ".asdfrc").write_text("legacy_version_file = yes\n")
    (home / ".profile").write_text(f'PATH="{data}/shims:/usr/bin:/bin"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    (project / ".nvmrc").write_text("v22.1.0\n")
    env = env_for(home, f"{data}/installs/nodejs/22.1.0/bin:/usr/bin:/bin")
    assert run_check(project, asked(env)) == []
    (data / "plugins" / "nodejs" / "bin" / "list-legacy-filenames").unlink()  # a plugin that lists none
    assert [f.subject for f in run_check(project, env)] == ["tool-differs:yarn"]
    (data / "plugins").rename(tmp_path / "plugins")  # plugins not where doctor looks: the plugin's usual files
    assert run_check(project, env) == []
    (home / ".asdfrc").write_text("legacy_version_file = no\n")  # asdf's default: .nvmrc is not its
    assert [f.message for f in run_check(project, env)] == [
        "'yarn' is ~/.asdf/installs/nodejs/22.1.0/bin/yarn on PATH but ~/.asdf/shims/yarn in the login shell "
        "(a shim running ~/.asdf/installs/nodejs/20.11.0/bin/yarn there)"]


def test_mise_s_idiomatic_version_file_is_read_for_the_tools_it_enables(tmp_path: Path) -> None:
    # `idiomatic_version_file_enable_tools = ["node"]` under the global config's [settings]: mise reads .nvmrc
    home, data = mise_home(tmp_path)
    config = home / ".config" / "mise" / "config.toml"
    (home / ".profile").write_text(f'PATH="{data}/shims:/usr/bin:/bin"\n')
    project = project_with(tmp_path, "lint:\n\tyarn lint\n")
    (project / ".nvmrc").write_text("22\n")
    env = env_for(home, f"{data}/installs/node/22.1.0/bin:/usr/bin:/bin")
    config.write_text(config.read_text() + '\n[settings]\nidiomatic_version_file_enable_tools = ["node"]\n')
    assert run_check(project, asked(env)) == []
    assert run_check(project, {**env, "MISE_IDIOMATIC_VERSION_FILE_ENABLE_TOOLS": "python"}) != []  # node left out
    config.write_text('[tools]\nnode = "20"\n')
    assert [f.subject for f in run_check(project, env)] == ["tool-differs:yarn"]
