"""missing-mount's fix where the services take their volumes from a `<<` merge: open-prices (tests/replay/open-prices).

openfoodfacts/open-prices selects its compose files in `.env` (`COMPOSE_FILE=docker-compose.yml;docker/dev.yml;
docker/ocr.yml` with `COMPOSE_PATH_SEPARATOR=;`). docker/dev.yml gives 'api', 'scheduler' and 'update-listener'
their source mounts through `<<: *api-base` (`x-api-base: &api-base` holds the volumes), and its `redis` service
is indented by six spaces where the rest of the file uses two and four. The image COPYs the whole checkout, whose
package scripts/ no line mounts. doctor fix added `./scripts:/opt/open-prices/scripts` to the anchor's list, and
also re-indented all of `redis` (seven lines no fix meant to change): only the key the service writes itself
was spliced back into the file, so a key taken from a merge left ruamel's whole re-written file. Now the block
of the mapping that writes the key (the anchor's) is spliced, and the file's diff is the one added line.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Severity
from doctor.project import ProjectOptions
from doctor.project.yamledit import add_volume

REPLAY = Path(__file__).parent / "replay" / "open-prices"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
ADDED = "    - ./scripts:/opt/open-prices/scripts\n"


def _checkout(tmp_path: Path) -> Path:
    root = tmp_path / "open-prices"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root.parent)})


def _warnings(root: Path) -> list[tuple[str, str | None, int | None, str | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=("missing-mount",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.path.name if f.location else None, f.location.line if f.location else None,
             f.fix.title if f.fix else None) for f in report.findings if f.severity is Severity.WARNING]


def _changed(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                                  n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_one_fix_adds_the_mount_to_the_anchor_and_changes_no_other_line(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    dev = root / "docker" / "dev.yml"
    before = dev.read_text()
    assert _warnings(root) == [
        ("'api', 'scheduler', 'update-listener' (3 services sharing these mounts) mount config, "
         "open_prices but not scripts", "dev.yml", 14,
         "mount ./scripts at /opt/open-prices/scripts in docker/dev.yml beside its other mounts")]
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    after = dev.read_text()
    assert _changed(before, after) == ["+" + ADDED], "".join(_changed(before, after))
    assert after.index(ADDED) < after.index("  # Allow the container")  # in x-api-base's list, after its last mount
    assert _warnings(root) == []
    again = fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert not again.diffs and dev.read_text() == after


def test_a_merged_key_is_spliced_where_its_anchor_writes_it() -> None:
    """yamledit on its own: the three services' merged list, and a service's own list beside a merge."""
    text = (REPLAY / "docker" / "dev.yml").read_text()
    assert _changed(text, add_volume(text, "api", "./scripts:/opt/open-prices/scripts")) == ["+" + ADDED]
    own = text.replace("    # uvicorn in reload mode\n", "    volumes:\n      - ./www:/opt/open-prices/www\n")
    assert _changed(own, add_volume(own, "api", "./scripts:/opt/open-prices/scripts")) == [
        "+      - ./scripts:/opt/open-prices/scripts\n"]
