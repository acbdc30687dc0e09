"""A PEM private key's body, masked line by line: `-----BEGIN OPENSSH PRIVATE KEY-----` stays, each line
of base64 after it becomes `***` on a line of its own, and the END line stays on its own line (a fix's
diff of a `.env` holding the key keeps its shape: one masked line for each line of the file, each with
the diff's `+` margin the BEGIN line has). A legacy encrypted key's headers (`Proc-Type: 4,ENCRYPTED`,
`DEK-Info: ...`) stay readable and its body after them is masked."""

from __future__ import annotations

from doctor.lazyre import lazy
from doctor.secret_keys import Sink
from doctor.secret_shapes import MASK

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

# a diff's or a quote's margin (`+`, `-`, `>`) before the BEGIN line is the margin of each line of the key
# (`-` and `>` are no base64: a removed key's body ended at its first line); RFC 1421 headers after it
PRIVATE_KEY = lazy(r"(?:(?<![^\n])(?P<m>[+>-]))?-----BEGIN[A-Z ]{0,40}PRIVATE KEY-----"
                   r"(?P<h>(?:\r?\n(?P=m)?[A-Za-z][\w-]*+:[^\r\n\\]*+)*+)"
                   r"(?P<v>(?:[A-Za-z0-9+/=\s\\]|(?<=\n)(?P=m))++)")
_RUNS = lazy(r"\s++|\S++")  # a body's blanks (its line breaks, a diff's margin) and what lies between them


def mask_private_keys(text: str, sink: Sink) -> str:
    """`text` with the body of every PEM private key in it masked, its line breaks kept; each body to `sink`."""

    def replace(match: re.Match[str]) -> str:
        body = match.group("v")
        if body.isspace():
            return match.group(0)  # its lines already masked by value: only the line break after BEGIN is left
        sink(body)
        head = match.group(0)[:match.start("v") - match.start()]
        margin = match.group("m")

        def masked(run: re.Match[str]) -> str:
            shown = run.group()
            if shown.isspace():
                return shown
            if margin and shown.startswith(margin) and (run.start() == 0 or body[run.start() - 1] == "\n"):
                return margin + MASK if len(shown) > len(margin) else margin  # `+` alone: the END line's margin
            return MASK

        return head + _RUNS.sub(masked, body)

    return PRIVATE_KEY.sub(replace, text)
