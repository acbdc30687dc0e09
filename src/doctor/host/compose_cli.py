"""The installed docker compose: its version, asked once with a short timeout.

Runs `docker compose version --short` (the CLI plugin), else `docker-compose version --short`
(the standalone binary), found on the PATH doctor was given; never a project's own tools. An
absent or silent compose is `Unavailable` with one line saying why.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from functools import cached_property

from doctor.model import Unavailable

_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")


class ComposeCli:
    """`version` is the installed compose's (major, minor, patch); raises Unavailable when there is none."""

    def __init__(self, env: Mapping[str, str], timeout: float) -> None:
        self.env = env
        self.timeout = max(timeout, 3.0)  # the CLI plugin starts in ~50-300 ms; allow a cold disk

    @cached_property
    def _answer(self) -> tuple[tuple[int, int, int] | None, str]:
        path = self.env.get("PATH", "")
        reasons: list[str] = []
        for argv in (["docker", "compose", "version", "--short"], ["docker-compose", "version", "--short"]):
            binary = shutil.which(argv[0], path=path)
            if binary is None:
                reasons.append(f"no {argv[0]} on PATH")
                continue
            try:
                done = subprocess.run([binary, *argv[1:]], capture_output=True, text=True, timeout=self.timeout,
                                      env=dict(self.env), stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                reasons.append(f"'{' '.join(argv[:-1])}' did not answer in {self.timeout:g} s")
                continue
            except OSError as exc:
                reasons.append(f"cannot run {argv[0]}: {exc.strerror or exc}")
                continue
            found = _VERSION.search(done.stdout) if done.returncode == 0 else None
            if found is not None:
                return (int(found[1]), int(found[2]), int(found[3])), ""
            reasons.append(f"'{' '.join(argv[:-1])}' is not installed")
        return None, "docker compose unavailable: " + "; ".join(reasons)

    @property
    def version(self) -> tuple[int, int, int]:
        found, reason = self._answer
        if found is None:
            raise Unavailable(reason)
        return found
