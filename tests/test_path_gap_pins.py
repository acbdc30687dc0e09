"""path-gap's reading of the version a manager picks per project, each layout on disk as the manager
writes it (versions installed, shims, the project's version files, the manager's own settings).

The login shell runs the startup files given; doctor runs no manager and no shim.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_path_gap import asked, project_with, run_check, tool
from test_path_gap_managers import env_for


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
