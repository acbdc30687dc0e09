"""path-gap on real projects (tests/replay), as an IDE or another scrubbed start runs doctor there.

The home, its startup files and its tools are faked under tmp_path (never this machine's); the
login shell is bash reading them; its PATH is cached first, as for every run after the first.
"""

from __future__ import annotations

import json
import os
import pwd
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from test_path_gap import pyenv_shim, tool
from test_replay import make_copy, shown, transcript

from doctor.host import Host


def test_ctfd_make_lint_ruff_through_a_pyenv_shim_is_the_ides_ruff(tmp_path: Path) -> None:
    """CTFd's `make lint` runs `ruff check` and its .python-version says `3.11`: an IDE with the pyenv
    interpreter's bin on PATH (3.11.7) and a terminal whose .bashrc puts ~/.pyenv/shims first run
    one ruff while 3.11.7 is the newest 3.11 installed; once 3.11.9 is, the shim runs that one."""
    copied = make_copy(tmp_path, "ctfd")
    assert (copied.root / ".python-version").read_text().split() == ["3.11"]
    home = tmp_path / "home"
    root = home / ".pyenv"
    pyenv_shim(root, "ruff")
    tool(root / "versions" / "3.11.7" / "bin", "ruff", "0.5.0")
    tool(root / "versions" / "3.12.1" / "bin", "ruff", "0.1.0")
    (root / "version").write_text("3.12.1\n")
    (home / ".profile").write_text('PATH="/usr/bin:/bin"\n. "$HOME/.bashrc"\n')
    (home / ".bashrc").write_text('case $- in *i*) ;; *) return;; esac\nexport PATH="$HOME/.pyenv/shims:$PATH"\n')
    copied.env.update(HOME=str(home), SHELL="/bin/bash", PATH=f"{root}/versions/3.11.7/bin:/usr/bin:/bin",
                      XDG_CACHE_HOME=str(tmp_path / "cache"))
    for name in ("TERM", "SHLVL", "PYENV_VERSION", "VIRTUAL_ENV", "CONDA_PREFIX", "ZDOTDIR", "BASH_ENV", "ENV"):
        copied.env.pop(name, None)
    assert Host(env=copied.env).shell.login.ok  # cached, as after a first run

    def ruff() -> list[dict[str, object]]:
        return [f for f in copied.findings("path-gap") if "ruff" in str(f["subject"])]

    assert ruff() == []
    tool(root / "versions" / "3.11.9" / "bin", "ruff", "0.6.0")
    found = ruff()
    assert [f["subject"] for f in found] == ["tool-differs:ruff"], found
    line = copied.line_of("Makefile", "ruff check CTFd/ migrations/")
    assert (found[0]["file"], found[0]["line"]) == ("Makefile", line)
    assert str(found[0]["message"]).endswith("(a shim running ~/.pyenv/versions/3.11.9/bin/ruff there)")
    transcript("ctfd-pyenv-shim-ruff", "3.11.7 the newest 3.11: no finding", shown(found[0]))


@pytest.mark.skipif(os.path.basename(pwd.getpwuid(os.getuid()).pw_shell) != "bash",
                    reason="the passwd entry of the user running the tests names no bash")
def test_ctfd_make_lint_from_cron_names_yarn_that_nvm_in_bashrc_gives(tmp_path: Path) -> None:
    """CTFd's `make lint` runs `yarn --cwd CTFd/themes/admin lint`; as a cron job (SHELL=/bin/sh,
    PATH=/usr/bin:/bin) doctor asked dash, which reads only ~/.profile (Debian's sources .bashrc
    under bash alone), so nvm's yarn that the user's bash terminal finds was no gap."""
    copied = make_copy(tmp_path, "ctfd")
    home = tmp_path / "home"
    tool(home / ".nvm" / "versions" / "node" / "v20.11.0" / "bin", "yarn")
    (home / ".profile").write_text('PATH="/usr/bin:/bin"\nif [ -n "$BASH_VERSION" ]; then\n    . "$HOME/.bashrc"\nfi\n')
    (home / ".bashrc").write_text('case $- in *i*) ;; *) return;; esac\n'
                                  'PATH="$HOME/.nvm/versions/node/v20.11.0/bin:$PATH"\n')
    # as cron starts it: no terminal, and no make above it (`make test` runs these tests with MAKELEVEL set,
    # which doctor rightly reads as "started by make" and answers with a Makefile line)
    for name in ("TERM", "SHLVL", "BASH_ENV", "ENV", "ZDOTDIR", "MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"):
        copied.env.pop(name, None)
    copied.env.update(HOME=str(home), SHELL="/bin/sh", PATH="/usr/bin:/bin", DOCTOR_NO_CACHE="1")
    found = [f for f in copied.findings("path-gap") if f["subject"] == "tool:yarn"]
    assert len(found) == 1, copied.findings("path-gap")
    assert (found[0]["file"], found[0]["line"]) == ("Makefile", copied.line_of("Makefile", "themes/admin lint"))
    assert "found only by the login shell, in ~/.nvm/versions/node/v20.11.0/bin" in str(found[0]["message"])
    transcript("ctfd-cron-nvm-yarn", "SHELL=/bin/sh asked: no finding", shown(found[0]))
    # as cron starts it (`/bin/sh -c`): the crontab's line spelled out, since cron expands no $VAR there
    job = subprocess.run(["/bin/sh", "-c", f"{shlex.quote(sys.executable)} -m doctor preflight --format json "
                          "--select path-gap"], cwd=copied.workdir, env=copied.env, capture_output=True, text=True,
                         timeout=180)
    fix = next(f["fix"] for f in json.loads(job.stdout)["findings"] if f["subject"] == "tool:yarn")
    line = f"PATH={home}/.nvm/versions/node/v20.11.0/bin:/usr/bin:/bin"
    assert f"(for cron: '{line}' at the crontab's top" in fix["title"]
