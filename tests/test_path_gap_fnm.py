"""path-gap's advice for fnm's per-shell folder wherever fnm keeps its own: macOS's
~/Library/Application Support/fnm, a custom FNM_DIR set in a startup file, no default alias.

fnm itself is a stand-in doing what `fnm env` does (link a new fnm_multishells/PID_MILLIS to the default
version, print its bin for PATH); the login shell runs it from the installer's .bashrc lines, doctor never.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_path_gap import project_with, run_check, tool
from test_path_gap_managers import INTERACTIVE, PROFILE, env_for, fix_of


def fnm_home(tmp_path: Path, root: str, default: bool = True) -> Path:
    """A home (returned) with fnm's folder at `root` (relative to HOME): node 20.11.0 with pnpm, aliases/default linking
    it (or not), fnm's binary there and the installer's lines in .bashrc (FNM_DIR set there, not in doctor's
    environment, for a root fnm would not find by itself)."""
    home = tmp_path / "home"
    fnm_dir = home / root
    installed = fnm_dir / "node-versions" / "v20.11.0" / "installation"
    tool(installed / "bin", "pnpm")
    target = installed
    if default:
        (fnm_dir / "aliases").mkdir(parents=True)
        (fnm_dir / "aliases" / "default").symlink_to(installed)
        target = fnm_dir / "aliases" / "default"
    tool(fnm_dir, "fnm").write_text(
        '#!/bin/sh\n# stand-in: what `fnm env` does and prints\n'
        'd="$HOME/.local/state/fnm_multishells/$$_$(date +%s)000"\n'
        f'mkdir -p "${{d%/*}}" && ln -s "{target}" "$d"\n'
        'echo "export PATH=\\"$d/bin\\":\\"\\$PATH\\""\necho "export FNM_MULTISHELL_PATH=\\"$d\\""\n')
    (home / ".profile").write_text(PROFILE)
    (home / ".bashrc").write_text(INTERACTIVE + f'# fnm\nexport FNM_DIR="$HOME/{root}"\nFNM_PATH="$FNM_DIR"\n'
                                  'if [ -d "$FNM_PATH" ]; then\n  export PATH="$FNM_PATH:$PATH"\n'
                                  '  eval "`fnm env`"\nfi\n')
    return home


@pytest.mark.parametrize("root", ["Library/Application Support/fnm", ".config/fnm-custom"],
                         ids=["macos", "custom-fnm-dir"])
def test_fnm_s_default_alias_is_found_wherever_fnm_keeps_it(tmp_path: Path, root: str) -> None:
    home = fnm_home(tmp_path, root)
    project = project_with(tmp_path, "dev:\n\tpnpm dev\n")
    findings = run_check(project, env_for(home, "/usr/bin:/bin", MAKELEVEL="1"))
    assert "/fnm_multishells/" in findings[0].message
    assert fix_of(findings) == (
        f"add 'export PATH := $(HOME)/{root}/aliases/default/bin:$(PATH)' to the Makefile (`fnm env` links a "
        "folder per shell, gone with it; aliases/default is fnm's default version)")


def test_fnm_without_a_default_alias_is_advised_the_version_it_links(tmp_path: Path) -> None:
    # the per-shell folder, and `eval "$(fnm env)"` (fnm itself on PATH only through .bashrc) would fail in
    # a `bash -c` script: the version folder the shell's link names stays, and says what it pins
    home = fnm_home(tmp_path, ".local/share/fnm", default=False)
    project = project_with(tmp_path, "dev:\n\tpnpm dev\n")
    findings = run_check(project, env_for(home, "/usr/bin:/bin", SHLVL="1"))
    assert fix_of(findings) == (
        "add 'export PATH=\"$HOME/.local/share/fnm/node-versions/v20.11.0/installation/bin:$PATH\"' to ~/.bashenv, "
        "with BASH_ENV=$HOME/.bashenv set where the script starts (`fnm env` links a folder per shell, gone with it; "
        "this pins v20.11.0: update it after `fnm default`)")
