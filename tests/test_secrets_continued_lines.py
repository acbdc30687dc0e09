"""A tool's password on a line its command continues with a trailing `\\` is masked.

Before: the tool-argument rules read a tool's arguments on its own line alone, so a Makefile recipe,
an entrypoint script or a compose `command: |` block written as `mysql -uroot \\` then
`  -pHq4Wz8Nm2Rt6 app` printed the password wherever doctor quoted those lines. The shell reads
such lines as one command; lines no `\\` joins stay apart.
"""

from __future__ import annotations

import pytest

from doctor.redact import scrub

SECRET = "Hq4Wz8Nm2Rt6"


def _leaks(text: str) -> list[str]:
    return [SECRET[at:at + 8] for at in range(len(SECRET) - 7) if SECRET[at:at + 8] in text]


@pytest.mark.parametrize(("text", "shown"), [
    (f"mysql -uroot \\\n  -p{SECRET} app < dump.sql\n", "mysql -uroot \\\n  -p*** app < dump.sql\n"),
    (f"rabbitmqctl add_user \\\nadmin {SECRET}\n", "rabbitmqctl add_user \\\nadmin ***\n"),
    (f"rabbitmqctl add_user admin \\\n    {SECRET}", "rabbitmqctl add_user admin \\\n    ***"),
    (f"restore:\n\tmysql -h db \\\r\n\t  -u root \\\r\n\t  -p{SECRET} app\r\n",
     "restore:\n\tmysql -h db \\\r\n\t  -u root \\\r\n\t  -p*** app\r\n"),
    (f"redis-cli \\\n  -a {SECRET} ping", "redis-cli \\\n  -a *** ping"),
    (f"curl -fsS \\\n  -u admin:{SECRET} http://api/health", "curl -fsS \\\n  -u admin:*** http://api/health"),
])
def test_a_continued_command_is_masked(text: str, shown: str) -> None:
    assert scrub(text) == shown and _leaks(scrub(text)) == []


@pytest.mark.parametrize("text", [
    "mysql -uroot\n-pfoo is a note on the next line",  # no `\`: another line, not mysql's
    "mysql -uroot \\\\\n-pfoo",  # `\\` at the end: a backslash written, the line ends
    "mysql -uroot \\\n  -h db; echo \\\n  -pfoo",  # the command ends at `;`
    "docker run -p 8080:80 \\\n  mysql -uroot -h db",  # publishes a port; mysql asks for its password
    "rabbitmqctl add_user \\\n  \"$RABBIT_USER\" \\\n  \"$RABBIT_PASS\"",  # references
    "rabbitmqctl add_user admin\nHq4 is the next line",
])
def test_lines_no_continuation_joins_stay(text: str) -> None:
    assert scrub(text) == text
