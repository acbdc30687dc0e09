"""compose-config reports a variable missing on an anchor's line once, naming the services merging it.

bram2w/baserow (tests/replay/baserow, upstream bytes) with no .env: its `x-backend-variables` anchor at
docker-compose.yml:28-31 requires SECRET_KEY, DATABASE_PASSWORD and REDIS_PASSWORD, merged by four services. Before,
`doctor preflight --select compose-config` printed 17 errors for those 3 variables, five at docker-compose.yml:28
(the anchor's and one per service merging it), and `doctor fix --dry-run` said 17 error(s) would be left, with the
advice repeated. compose itself stops at the first (`x-backend-variables.SECRET_KEY`). Now one finding per variable and
line: the anchor's three, naming the services that merge them, and db's and redis's own lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "baserow"
MERGED = "('backend', 'celery', 'celery-export-worker', 'celery-beat-worker' merge this line)"


def test_baserow_without_env_has_one_error_per_variable_and_line(tmp_path: Path) -> None:
    root = tmp_path / "baserow"
    shutil.copytree(REPLAY, root)
    (root / ".env").unlink(missing_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env), select=("compose-config",), env=env)
    report = preflight(options, load_registry()).report
    found = [(f.location.line if f.location else None, f.message) for f in report.findings]
    assert found == [
        (28, f"error while interpolating x-backend-variables.SECRET_KEY: required variable SECRET_KEY is missing a "
             f"value {MERGED}"),
        (30, "error while interpolating x-backend-variables.DATABASE_PASSWORD: required variable DATABASE_PASSWORD is "
             f"missing a value {MERGED}"),
        (31, "error while interpolating x-backend-variables.REDIS_PASSWORD: required variable REDIS_PASSWORD is "
             f"missing a value {MERGED}"),
        (382, "error while interpolating services.db.environment[1]: required variable DATABASE_PASSWORD is missing a "
              "value"),
        (401, "error while interpolating services.redis.command: required variable REDIS_PASSWORD is missing a value"),
    ]
