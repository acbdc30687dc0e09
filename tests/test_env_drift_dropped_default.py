"""env-drift: a variable read only in a default compose then drops is info, not "an empty value".

documenso's docker/production/compose.yml writes
`- NEXT_PRIVATE_INTERNAL_WEBAPP_URL=${NEXT_PRIVATE_INTERNAL_WEBAPP_URL:-http://localhost:$PORT}`, and the
`.env` its docs prescribe sets NEXT_PRIVATE_INTERNAL_WEBAPP_URL. compose v2.40.3 evaluates the default
anyway and warns that PORT is not set, but the container gets the `.env` value: preflight said
"'PORT' is not set: compose passes an empty environment value on" as a warning. The reference
records which operator dropped its argument (`dropped_by`), and env-drift says so as info.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Safety, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.interpolate import VariableRef, substitute

ENV = {"PATH": "/usr/bin:/bin"}


@pytest.mark.parametrize(("template", "env", "refs"), [
    ("${URL:-http://localhost:$PORT}", {"URL": "u"},
     (VariableRef("URL", has_default=True), VariableRef("PORT", dropped_by=("URL", ":-")))),
    ("${URL:-http://localhost:$PORT}", {"URL": ""}, (VariableRef("URL", has_default=True), VariableRef("PORT"))),
    ("${URL-x$PORT}", {"URL": ""},
     (VariableRef("URL", has_default=True), VariableRef("PORT", dropped_by=("URL", "-")))),
    ("${URL-x$PORT}", {}, (VariableRef("URL", has_default=True), VariableRef("PORT"))),
    ("${A:+$B}", {}, (VariableRef("A", has_default=True), VariableRef("B", dropped_by=("A", ":+")))),
    ("${A:+$B}", {"A": "a"}, (VariableRef("A", has_default=True), VariableRef("B"))),
    ("${A+$B}", {"A": ""}, (VariableRef("A", has_default=True), VariableRef("B"))),
    ("${A+$B}", {}, (VariableRef("A", has_default=True), VariableRef("B", dropped_by=("A", "+")))),
    ("${A:?need $B}", {"A": "a"}, (VariableRef("A", required=True), VariableRef("B", dropped_by=("A", ":?")))),
    # the nearer operator is the cause; the rest of the value after `}` is read as usual
    ("${A:-${B:-$C}}$D", {"A": "a"},
     (VariableRef("A", has_default=True), VariableRef("B", True, dropped_by=("A", ":-")),
      VariableRef("C", dropped_by=("A", ":-")), VariableRef("D"))),
    ("${A:-${B:-$C}}", {"B": "b"}, (VariableRef("A", has_default=True), VariableRef("B", has_default=True),
                                    VariableRef("C", dropped_by=("B", ":-")))),
])
def test_a_reference_knows_the_operator_that_drops_it(template: str, env: dict[str, str],
                                                      refs: tuple[VariableRef, ...]) -> None:
    assert substitute(template, env.get)[1] == refs


def _drift(root: Path, dotenv: str, extra: str = "") -> list:
    (root / "compose.yaml").write_text(
        "services:\n  app:\n    image: busybox\n    environment:\n      - PORT=${PORT:-3000}\n"
        "      - URL=${URL:-http://localhost:$PORT}\n" + extra)
    (root / ".env").write_text(dotenv)
    env = {**ENV, "HOME": str(root)}
    return list(EnvDrift().run(Project(ProjectOptions(path=root, env=env)), Host(env=env, timeout=1.0)))


def test_read_only_in_a_dropped_default_is_info(tmp_path: Path) -> None:
    [found] = _drift(tmp_path, "URL=http://localhost:3000\n")
    assert found.severity is Severity.INFO and found.location is not None and found.location.line == 6
    assert found.message == ("'PORT' is not set, but only the default of ${URL:-...} reads it, and URL is set: "
                             "no empty value reaches a container (compose still warns)")
    assert found.fix is not None and found.fix.safety is Safety.ADVICE
    assert found.fix.title == ("nothing breaks; to quiet compose's warning, give it a default where it is read "
                               "(${PORT:-})")


def test_the_default_taken_is_the_warning_it_was(tmp_path: Path) -> None:
    [found] = _drift(tmp_path, "OTHER=1\n")
    assert found.severity is Severity.WARNING and found.location is not None and found.location.line == 6
    assert found.message == "'PORT' is not set: compose passes an empty environment value on (and warns too)"


def test_a_use_that_reaches_a_container_is_the_one_reported(tmp_path: Path) -> None:
    [found] = _drift(tmp_path, "URL=http://localhost:3000\n", "      - BIND=$PORT\n")
    assert found.severity is Severity.WARNING and found.location is not None and found.location.line == 7


def test_compose_warns_yet_passes_the_set_value(tmp_path: Path, compose_bin: str) -> None:
    """What the info says, against the real compose: the warning, and the container's value from `.env`."""
    _drift(tmp_path, "URL=http://localhost:3000\n")
    done = subprocess.run([compose_bin, "config", "--format", "json"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={**ENV, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert 'The \\"PORT\\" variable is not set' in done.stderr or 'The "PORT" variable is not set' in done.stderr
    environment = json.loads(done.stdout)["services"]["app"]["environment"]
    assert environment == {"PORT": "3000", "URL": "http://localhost:3000"}
