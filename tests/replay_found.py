"""What chosen checks find on a copy of a replay project, run as on a host with no tools of the project's.

Shared by the replay tests that copy a project of tests/replay/, change a line, and compare the findings
(test_leaked_host_port_handed_to_browser.py, test_script_line_endings_lf_twin.py,
test_service_name_drift_conn_string.py): each finding as (message, file name, line); and the settings readers'
tests (test_django_databases_literals.py, test_django_channel_layer_hosts.py, test_flask_config_object.py): the
project's options as on such a host (`host_options`), and one `doctor fix --yes` of the env family (`fixed_titles`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

HOST_ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}


def found(options: ProjectOptions, checks: Iterable[str]) -> list[tuple[str, str, int | None]]:
    report = preflight(RunOptions(project=options, select=tuple(checks), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.path.name if f.location else "", f.location.line if f.location else None)
            for f in report.findings]


def host_options(root: Path) -> ProjectOptions:
    """The project at `root` as on a host with none of its tools, HOME beside it."""
    return ProjectOptions(path=root, env={**HOST_ENV, "HOME": str(root.parent)})


def fixed_titles(root: Path) -> tuple[list[str], int]:
    """One `doctor fix --yes` of the env family on the project at `root`: the fixes' titles, and how many files
    it changed."""
    from doctor.fixer import FixOptions, fix

    options = host_options(root)
    done = fix(FixOptions(project=options, families=frozenset({"env"}), yes=True, env=dict(options.env)),
               load_registry())
    return [r.title for r in done.results], len(done.diffs)
