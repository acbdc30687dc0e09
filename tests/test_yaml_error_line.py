"""The line compose-config gives a YAML error, against the one compose (v2.40.3, go-yaml) printed for the same file.

An unclosed quote: compose said `yaml: line 4: found unexpected end of stream` (where the quote opens) and doctor's
compose-config said docker-compose.yml:8 (the end of the file), so `doctor why` on the piped refusal showed two lines
for one fault; an error scanning a quoted scalar is now at the line the quote opens, as compose says it. A
parser error stays at the line that broke the mapping (` B: 2` on line 7, where compose prints the 0-based line of
the mapping it was reading: `line 3`); a tab stays where it is (both say line 6).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctor.project.yamlload import YamlError, parse_bytes

QUOTE = 'services:\n  db:\n    image: "doctor-test/postgres:17\n    environment:\n      A: 1\n  web:\n    image: x\n'
OVERRIDE_QUOTE = '# c\n---\nservices:\n  db:\n    environment:\n      A: "1\n  web:\n    image: x\n'
INDENT = "# c\nservices:\n  db:\n    image: doctor-test/postgres:17\n    environment:\n      A: 1\n     B: 2\n"
TAB = "# c\nservices:\n  db:\n    image: doctor-test/postgres:17\n    environment:\n\t  A: 1\n"


@pytest.mark.parametrize(("text", "line", "compose_said"), [
    ("# c\n" + QUOTE, 4, "yaml: line 4: found unexpected end of stream"),
    (OVERRIDE_QUOTE, 6, "yaml: line 6: found unexpected end of stream"),  # docker-compose.override.yml's
    (INDENT, 7, "yaml: line 3: did not find expected key"),
    (TAB, 6, "yaml: line 6: found character that cannot start any token"),
])
def test_the_line_of_a_yaml_error(text: str, line: int, compose_said: str) -> None:
    with pytest.raises(YamlError) as raised:
        parse_bytes(text.encode(), Path("docker-compose.yml"))
    assert raised.value.line == line, (raised.value, compose_said)


def test_a_control_character_is_at_its_line() -> None:
    """An escape sequence pasted into a compose file (a coloured terminal's output): compose says
    `yaml: control characters are not allowed` with no line, and compose-config said line 1 of a file
    whose line 1 is `services:`; it is the line the character is on, past a 4-byte emoji too."""
    text = 'services:\n  web:\n    image: nginx\n    environment:\n      X: "\U0001f433 \x1b[31mred"\n'
    with pytest.raises(YamlError) as raised:
        parse_bytes(text.encode(), Path("compose.yaml"))
    assert raised.value.line == 5 and "control characters are not allowed" in str(raised.value), raised.value
