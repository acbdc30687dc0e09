"""service-name-drift on a host its key names as the server it means: no peer named by the key's role.

polarsource/polar (tests/replay/polar) runs its app stack from dev/docker/docker-compose.dev.yml ('api',
'worker', 'web') on the external network polar-shared, where docker-compose.shared.yml's infra answers
(db, redis, minio, tinybird). The app's `POLAR_TINYBIRD_API_URL: http://tinybird:7181` was an error,
"POLAR_TINYBIRD_API_URL host 'tinybird' names no service on the network (did you mean 'api'?)", whose fix
'replace 'tinybird' by 'api' in POLAR_TINYBIRD_API_URL' `doctor fix --yes` would write, sending tinybird's
queries to the app's own API on a port it does not listen on; the line below it,
`POLAR_TINYBIRD_CLICKHOUSE_URL: http://tinybird:7182`, was rightly a note naming the shared file. The key's
words before its role (`API` of `_URL`) named the peer 'api', though the key names 'tinybird' itself: a key
naming the host it holds says which server it means, and that is the host written.

Each test copies the replay into a git checkout of its own, `server/.env` copied from its template as
the project's setup does; no tool of the project runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from trees import write_tree

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding, Severity
from doctor.project import ProjectOptions

CHECK = "service-name-drift"
REPLAY = Path(__file__).parent / "replay" / "polar"


def _findings(root: Path, home: Path, files: tuple[Path, ...] = (),
              env_files: tuple[Path, ...] | None = None) -> list[Finding]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOCTOR_NO_CACHE": "1"}
    project = ProjectOptions(path=root, files=files, env_files=env_files, env=env)
    options = RunOptions(project=project, select=(CHECK,), env=env)
    return [f for f in preflight(options, load_registry()).report.findings if f.check == CHECK]


def _polar(tmp_path: Path) -> list[Finding]:
    top = tmp_path / "polar"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copy(top / "server" / ".env.template", top / "server" / ".env")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return _findings(top, tmp_path, (top / "dev" / "docker" / "docker-compose.dev.yml",), (top / "server" / ".env",))


def test_a_key_naming_its_host_is_no_drift_to_its_role_s_peer(tmp_path: Path) -> None:
    found = {f.message.split(" ", 1)[0]: f for f in _polar(tmp_path)}
    tinybird = found["POLAR_TINYBIRD_API_URL"]
    assert tinybird.severity is Severity.INFO
    assert "(it is a service of docker-compose.shared.yml" in tinybird.message
    assert "'api'" not in tinybird.message
    assert tinybird.fix is not None and not tinybird.fix.edits
    # as its sibling line always was
    assert found["POLAR_TINYBIRD_CLICKHOUSE_URL"].severity is Severity.INFO
    assert all(f.severity is Severity.INFO for f in found.values())


def _stack(value: str) -> dict[str, str]:
    return {"compose.yaml": "services:\n  api:\n    image: nginx\n    ports: ['8000:8000']\n"
            "  worker:\n    image: nginx\n    environment:\n      REPORTS_API_URL: " + value + "\n"
            "  cache:\n    image: nginx\n"}


def test_a_host_the_key_names_no_peer_by_is_a_note(tmp_path: Path) -> None:
    """`REPORTS_API_URL=http://reports:8000` beside 'api': the key means a reports server no service is."""
    [finding] = _findings(write_tree(tmp_path / "p", _stack("http://reports:8000")), tmp_path)
    assert "'api'" not in finding.message
    assert finding.fix is not None and not finding.fix.edits


def test_a_host_apart_from_the_key_s_words_still_gets_the_peer_it_names(tmp_path: Path) -> None:
    """`REPORTS_API_URL=http://old:8000`: the host is none of the key's words, and the key's 'api' is a peer."""
    [finding] = _findings(write_tree(tmp_path / "p", _stack("http://old:8000")), tmp_path)
    assert "(did you mean 'api'?)" in finding.message
