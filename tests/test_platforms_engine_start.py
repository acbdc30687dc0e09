"""What doctor tells a developer whose engine is not running, on the platform and product they use.

The recorded context of a second Colima profile is tests/platforms/macos-colima-profile/ (its
source: tests/platforms/SOURCES.md).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from doctor.host.engine import find_engine

FIXTURES = Path(__file__).parent / "platforms"


def current_context(home: Path, case: str) -> str:
    """Store the recorded `docker context inspect` as the CLI does, make it current; its socket path."""
    inspected = json.loads((FIXTURES / case / "docker-context-inspect.json").read_text())[0]
    name = inspected["Name"]
    meta = home / ".docker" / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    assert inspected["Storage"]["MetadataPath"].endswith(meta.name)  # the recorded hash is the real one
    meta.mkdir(parents=True)
    stored = {"Name": name, "Metadata": inspected["Metadata"], "Endpoints": inspected["Endpoints"]}
    (meta / "meta.json").write_text(json.dumps(stored))
    (home / ".docker" / "config.json").write_text(json.dumps({"auths": {}, "currentContext": name}))
    return str(inspected["Endpoints"]["docker"]["Host"]).removeprefix("unix://")


def test_a_stopped_colima_profile_is_started_by_its_profile(tmp_path: Path) -> None:
    """Context `colima-work` (`colima start --profile work`): a bare `colima start` starts the
    `default` VM, and the project's engine stays down."""
    socket = current_context(tmp_path, "macos-colima-profile")
    found = find_engine({"HOME": str(tmp_path)})
    assert found.endpoint is not None and found.endpoint.product == "Colima"
    assert found.not_running
    assert found.reason == f"no socket at {socket} (is the docker engine running? colima start --profile work)"


def test_the_default_colima_profile_keeps_the_bare_command(tmp_path: Path) -> None:
    socket = current_context(tmp_path, "macos-colima")
    found = find_engine({"HOME": str(tmp_path)})
    assert found.reason == f"no socket at {socket} (is the docker engine running? colima start)"
