"""missing-mount on a bind source that a root init service makes and gives to its writers before they start.

Apache Airflow's docker-compose.yaml (tests/replay/airflow-docker-compose) runs every Airflow service as `user:
"${AIRFLOW_UID:-50000}:0"` on bind-mounted ./dags, ./logs, ./config and ./plugins, each depending on `airflow-init`,
which runs as root with the project at /sources: `mkdir -p /sources/logs /sources/dags /sources/plugins` and `chown
-R "${AIRFLOW_UID}:0" /sources/{logs,dags,plugins}`. A new user who skipped the docs' `mkdir -p ./dags ./logs
./plugins ./config` got a warning for ./logs and ./plugins ("docker makes it root-owned, 'airflow-webserver' runs as
'50000:0'", a new-user audit's two false warnings on an MLOps pipeline built on that file): the init makes them
and gives them to 50000 first. They are notes now, naming the init's chown; ./config, which no one chowns, stays a
warning, and so does ./logs where the init chowns to another uid or does not run as root.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "airflow-docker-compose"
CHOWN = 'chown -R "${AIRFLOW_UID}:0" /sources/{logs,dags,plugins}'


def _airflow(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """The replay as the docs set it up (`.env` with AIRFLOW_UID, ./dags made), the folders the init makes missing."""
    root = tmp_path / "airflow"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / "docker-compose.yaml"
    if old:
        assert old in compose.read_text()
        compose.write_text(compose.read_text().replace(old, new))
    (root / ".env").write_text("AIRFLOW_UID=50000\n")
    (root / "dags").mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _sources(root: Path) -> dict[str, tuple[str, str]]:
    options = ProjectOptions(path=root, cwd=root, env={"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1",
                                                       "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=("missing-mount",), env=dict(options.env)),
                       load_registry()).report
    return {f.message.split()[2]: (f.severity.name, f.message) for f in report.findings
            if f.message.startswith("bind source ")}


def test_the_folders_the_init_chowns_are_notes_and_config_stays_a_warning(tmp_path: Path) -> None:
    found = _sources(_airflow(tmp_path))
    assert sorted(found) == ["./config", "./logs", "./plugins"]
    for folder in ("logs", "plugins"):
        assert found[f"./{folder}"] == ("INFO", (
            f"bind source ./{folder} does not exist: 'airflow-init' gives it to 50000:0 before 'airflow-webserver' "
            "starts (as root: chown -R 50000:0 /sources/{logs,dags,plugins})"))
    assert found["./config"] == ("WARNING", "bind source ./config does not exist: docker makes it root-owned, "
                                            "'airflow-webserver' runs as '50000:0'")


def test_a_chown_to_another_uid_or_not_as_root_leaves_the_warning(tmp_path: Path) -> None:
    other = _sources(_airflow(tmp_path / "a", CHOWN, CHOWN.replace("${AIRFLOW_UID}", "1000")))
    assert other["./logs"][0] == "WARNING", other
    not_root = _sources(_airflow(tmp_path / "b", '    user: "0:0"\n', '    user: "50000:0"\n'))
    assert not_root["./logs"][0] == "WARNING", not_root
    # without the init's `-R`, the chown of /sources/logs itself still gives that folder
    flat = _sources(_airflow(tmp_path / "c", CHOWN, 'chown "${AIRFLOW_UID}:0" /sources/logs'))
    assert (flat["./logs"][0], flat["./plugins"][0]) == ("INFO", "WARNING"), flat
