"""The image root-owned-files' chown through the engine runs is the same whatever order the engine lists its
images in: a preflight and a dry run of the same checkout named `auditlive-redis` and `auditlive-app` (a live
audit's find); the first of them by name is taken."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from doctor.checks.root_owned_files.fix import _local_image


@pytest.mark.parametrize("listed", [["python:3.12", "alpine:3.19", "busybox:1"], ["busybox:1", "python:3.12",
                                                                                  "alpine:3.19"]])
def test_the_chown_image_does_not_follow_the_engines_order(listed: list[str]) -> None:
    host = SimpleNamespace(image_tags=lambda: list(listed))
    project = SimpleNamespace(services={}, compose=SimpleNamespace(project_name="p"))
    assert _local_image(project, host, None) == "alpine:3.19"  # type: ignore[arg-type]
