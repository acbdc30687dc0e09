"""`doctor why` on compose's YAML error whose `line N` is not the line that broke: it says where compose's line is.

compose v2.40.3 (go-yaml) prints a parser error at the line the parser began the mapping it was reading on, counted
from 0: ` B: 2` on line 7 breaking the mapping that begins on line 4 is `yaml: line 3: did not find expected key`,
while compose-config's cause says docker-compose.yml:7 (the line to fix); a reader saw two lines for one fault. The
cause now says where compose's line is. In an override's second document compose's line is the file's, not the
document's (`line 7`, the mapping beginning on line 8). A scanner's error is counted from 1: nothing is added.
Captured with `docker compose -p doctor-audit-why4-NAME up 2>&1` in /tmp/audit-why4/y/NAME.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from why_run import run_why

INDENT = '# c\nservices:\n  db:\n    image: doctor-test/postgres:17\n    environment:\n      A: 1\n     B: 2\n'
INDENT_UP = 'failed to parse /tmp/audit-why4/y/indent/docker-compose.yml: yaml: line 3: did not find expected key\n'
BASE = 'services:\n  db:\n    image: doctor-test/postgres:17\n'
OVERRIDE = (
    'services:\n'
    '  db:\n'
    '    environment:\n'
    '      A: 1\n'
    '---\n'
    'services:\n'
    '  db:\n'
    '    environment:\n'
    '      A: 1\n'
    '     B: 2\n'
)
OVERRIDE_UP = (
    'failed to parse /tmp/audit-why4/y/multidoc/docker-compose.override.yml: yaml: line 7: did'
    ' not find expected key\n'
)
QUOTE = (
    '# c\n'
    'services:\n'
    '  db:\n'
    '    image: "doctor-test/postgres:17\n'
    '    environment:\n'
    '      A: 1\n'
    '  web:\n'
    '    image: x\n'
)
QUOTE_UP = 'failed to parse /tmp/audit-why4/y/quote/docker-compose.yml: yaml: line 4: found unexpected end of stream\n'

TAB = 'services:\n  web:\n    image: busybox\n\tports: ["8080:80"]\n'
TAB_UP = ("failed to parse /tmp/audit-why4/y/tab/compose.yaml: yaml: line 3: found a tab character that violates "
          "indentation\n")


@pytest.mark.parametrize(("files", "text", "cause", "note"), [
    ({"docker-compose.yml": INDENT}, INDENT_UP, "docker-compose.yml:7",
     "(compose's `line 3` is where the mapping it was reading begins, counted from 0: line 4)"),
    ({"docker-compose.yml": BASE, "docker-compose.override.yml": OVERRIDE}, OVERRIDE_UP,
     "docker-compose.override.yml:10",
     "(compose's `line 7` is where the mapping it was reading begins, counted from 0: line 8)"),
    ({"docker-compose.yml": QUOTE}, QUOTE_UP, "docker-compose.yml:4", ""),
    # a scanner's error counted from 1 at the key before the tab (tests/cases/compose-config/yaml-error): not said
    ({"compose.yaml": TAB}, TAB_UP, "compose.yaml:4", ""),
])
def test_compose_line_is_placed(tmp_path: Path, files: dict[str, str], text: str, cause: str, note: str) -> None:
    root = tmp_path / "y"
    root.mkdir()
    for name, body in files.items():
        (root / name).write_text(body)
    done = run_why(root, text)
    assert "Traceback" not in done.stderr, done.stderr
    said = done.stdout.split("cause    compose-config  ", 1)[1]
    assert said.startswith(cause), done.stdout
    assert note in said if note else "counted from 0" not in said, done.stdout
