"""examples/plugin: a third-party check package, installed with pip into a fresh venv and used by doctor.

The venv is new (`python -m venv --without-pip`); doctor and its dependencies come from the
dev environment through a site dir (no registry is needed), and the plugin is installed into
the venv by pip from its own pyproject, as a user would. A second, broken plugin shows that a
plugin that cannot be imported is an error naming its distribution while every other check runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from doctor.engine import ENTRY_POINT_GROUP
from doctor.host import Host
from doctor.model import Check, Safety, Severity
from doctor.project import Project, ProjectOptions

PLUGIN = Path(__file__).resolve().parent.parent / "examples" / "plugin"
CHECK_ID = "compose-version-key"
HEADINGS = ("What it finds", "Why it matters", "Example", "Fix")
COMPOSE = """services:
  web:
    image: busybox
    labels:
      version: "2"
"""


@pytest.fixture
def plugin_check(monkeypatch: pytest.MonkeyPatch) -> type[Check]:
    """The plugin's check class, imported from its source folder (no install needed)."""
    monkeypatch.syspath_prepend(str(PLUGIN / "src"))
    from doctor_compose_version_key import ComposeVersionKey

    return ComposeVersionKey


def project(root: Path, files: dict[str, str]) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))


def run(check: type[Check], proj: Project) -> list[tuple[str, int | None, str, str]]:
    found = check().run(proj, Host(env={"PATH": "/usr/bin:/bin"}))
    return [(f.subject, f.location.line if f.location else None, f.message, f.severity.label) for f in found]


# -- the check itself ---------------------------------------------------------------------------

def test_the_entry_point_names_the_class_and_its_id(plugin_check: type[Check]) -> None:
    meta = tomllib.loads((PLUGIN / "pyproject.toml").read_text())
    points = meta["project"]["entry-points"][ENTRY_POINT_GROUP]
    assert points == {CHECK_ID: "doctor_compose_version_key:ComposeVersionKey"}
    assert plugin_check.id == CHECK_ID and plugin_check.severity is Severity.WARNING
    doc = plugin_check.documentation()
    assert all(f"\n{heading}\n" in doc for heading in HEADINGS)
    assert plugin_check.summary() == "the obsolete top-level `version:` key in a compose file"


def test_finds_the_top_level_version_key_in_every_compose_file(plugin_check: type[Check], tmp_path: Path) -> None:
    proj = project(tmp_path / "p", {
        "compose.yaml": '# our stack\nversion: "3.8"  # old habit\n' + COMPOSE,
        "compose.override.yaml": "version: '3'\nservices:\n  web:\n    environment:\n      version: '1'\n",
    })
    assert run(plugin_check, proj) == [
        ("compose.yaml", 2, "top-level 'version: 3.8' is obsolete: compose ignores it and warns on every run",
         "warning"),
        ("compose.override.yaml", 1, "top-level 'version: 3' is obsolete: compose ignores it and warns on every run",
         "warning"),
    ]


@pytest.mark.parametrize("text", [
    COMPOSE,  # a label named version
    "services:\n  version:\n    image: busybox\n",  # a service named version
    "# version: '3.8'\nservices:\n  web:\n    image: busybox\n",  # commented out
    "x-meta:\n  version: 2\nservices:\n  web:\n    image: busybox\n",  # an extension field's key
    "services:\n  web:\n    image: busybox\n    command: |\n      version: 3\n",  # text inside a block scalar
    "versions: 2\nservices:\n  web:\n    image: busybox\n",  # another key that starts with version
])
def test_keys_named_version_elsewhere_are_not_findings(plugin_check: type[Check], tmp_path: Path, text: str) -> None:
    assert run(plugin_check, project(tmp_path / "p", {"compose.yaml": text})) == []


def test_the_fix_deletes_the_line_or_advises(plugin_check: type[Check], tmp_path: Path) -> None:
    proj = project(tmp_path / "p", {"compose.yaml": 'version: "3.8"\n' + COMPOSE})
    (finding,) = plugin_check().run(proj, Host(env={}))
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE
    assert [(e.old, e.new, e.line) for e in finding.fix.edits] == [('version: "3.8"\n', "", 1)]
    continued = project(tmp_path / "q", {"compose.yaml": "version:\n  '3.8'\n" + COMPOSE})
    (finding,) = plugin_check().run(continued, Host(env={}))
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE and finding.fix.edits == ()


# -- installed into a fresh venv, used through doctor's CLI -------------------------------------

@dataclass(frozen=True)
class Venv:
    python: Path
    broken: Path  # a --target dir holding the broken plugin (added with PYTHONPATH)

    def doctor(self, *args: str, broken: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS")}
        if broken:
            env["PYTHONPATH"] = str(self.broken)
        return subprocess.run([str(self.python), "-m", "doctor", *args], capture_output=True, text=True,
                              env=env, cwd=cwd, timeout=120)


def pip_install(python: Path, source: Path, *extra: str) -> None:
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                           "--no-index", *extra, str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Venv]:
    root = tmp_path_factory.mktemp("plugin-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")], check=True, timeout=120)
    python = root / "venv" / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # doctor (editable) and its dependencies from the dev environment: addsitedir so that its
    # own .pth files, which make the editable install importable, are processed too
    dev_site = sysconfig.get_path("purelib")
    Path(purelib, "doctor_dev_environment.pth").write_text(f"import site; site.addsitedir({dev_site!r})\n")
    # build from a copy: an in-tree build would leave build/ and *.egg-info in examples/plugin
    source = root / "plugin"
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    pip_install(python, source)
    broken = root / "broken-plugin"
    (broken / "src" / "doctor_broken_plugin").mkdir(parents=True)
    (broken / "pyproject.toml").write_text("""[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"
[project]
name = "doctor-broken-plugin"
version = "0.0.1"
[project.entry-points."doctor.checks"]
broken-check = "doctor_broken_plugin:BrokenCheck"
""")
    (broken / "src" / "doctor_broken_plugin" / "__init__.py").write_text(
        "import doctor_dependency_nobody_installed  # noqa: F401\n")
    pip_install(python, broken, "--target", str(root / "broken-site"))
    yield Venv(python, root / "broken-site")


def version_project(tmp_path: Path) -> Path:
    root = tmp_path / "stack"
    root.mkdir()
    (root / "compose.yaml").write_text('version: "3.8"\n' + COMPOSE)
    return root


def test_the_venv_is_fresh(venv: Venv) -> None:
    done = subprocess.run([str(venv.python), "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True)
    assert Path(done.stdout.strip()) == venv.python.parent.parent
    shown = subprocess.run([str(venv.python), "-m", "pip", "show", "-f", "doctor-compose-version-key"],
                           capture_output=True, text=True)
    assert f"Location: {venv.python.parent.parent}" in shown.stdout  # installed into the venv itself


def test_doctor_list_shows_the_plugin(venv: Venv) -> None:
    done = venv.doctor("list")
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split(None, 1)[1] for line in done.stdout.splitlines()}
    assert rows[CHECK_ID] == "the obsolete top-level `version:` key in a compose file"
    assert {"env-drift", "port-collision", "compose-config"} <= set(rows)
    alone = subprocess.run([sys.executable, "-m", "doctor", "list"], capture_output=True, text=True)
    assert CHECK_ID not in alone.stdout  # the dev environment itself has no plugin: the venv's pip put it there


def test_doctor_explain_prints_the_plugins_docstring(venv: Venv, plugin_check: type[Check]) -> None:
    done = venv.doctor("explain", CHECK_ID)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{CHECK_ID}\n\n{plugin_check.documentation()}\n"


def test_doctor_preflight_runs_the_plugin(venv: Venv, tmp_path: Path) -> None:
    stack = version_project(tmp_path)
    done = venv.doctor("preflight", str(stack), "--format", "json", "--fail-on", "warning",
                       "--select", f"{CHECK_ID},env-drift,compose-config")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [(f["check"], f["file"], f["line"], f["severity"]) for f in report["findings"]] == [
        (CHECK_ID, "compose.yaml", 1, "warning")]
    sarif = venv.doctor("preflight", str(stack), "--format", "sarif", "--select", CHECK_ID)
    rules = json.loads(sarif.stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert CHECK_ID in [rule["id"] for rule in rules]


@pytest.mark.compose
def test_doctor_fix_applies_the_plugins_fix_and_compose_agrees(venv: Venv, tmp_path: Path, compose_bin: str) -> None:
    stack = version_project(tmp_path)

    def config() -> subprocess.CompletedProcess[str]:
        return subprocess.run([compose_bin, "config"], cwd=stack, capture_output=True, text=True, timeout=60)

    before = config()
    assert "obsolete" in before.stderr
    done = venv.doctor("fix", str(stack))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (stack / "compose.yaml").read_text() == COMPOSE
    after = config()
    assert after.stdout == before.stdout and "obsolete" not in after.stderr


def test_a_plugin_that_fails_to_import_is_an_error_naming_its_distribution(venv: Venv, tmp_path: Path) -> None:
    listed = venv.doctor("list", broken=True)
    assert listed.returncode == 1
    assert re.search(r"^broken-check +error: plugin from doctor-broken-plugin cannot be imported: "
                     r"ModuleNotFoundError: No module named 'doctor_dependency_nobody_installed'$",
                     listed.stdout, re.MULTILINE), listed.stdout
    assert CHECK_ID in listed.stdout and "env-drift" in listed.stdout
    done = venv.doctor("preflight", str(version_project(tmp_path)), "--format", "json",
                       "--select", f"{CHECK_ID},env-drift", broken=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["broken-check"] == "error"
    assert statuses[CHECK_ID] == "failed" and statuses["env-drift"] == "passed"
    assert [f["check"] for f in report["findings"]] == [CHECK_ID]
    info = subprocess.run([str(venv.python), "-c", "import json; from doctor.info import check_facts; "
                           "print(json.dumps(check_facts()))"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(venv.broken)})
    facts = json.loads(info.stdout)
    assert CHECK_ID in facts["loaded"]
    errors = [(e["name"], e["distribution"]) for e in facts["plugin_errors"]]
    assert errors == [("broken-check", "doctor-broken-plugin")]
