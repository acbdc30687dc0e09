"""A PEM private key's body, masked line by line: `-----BEGIN OPENSSH PRIVATE KEY-----` stays, each line
of base64 after it becomes `***` on a line of its own, and the END line stays on its own line (a fix's
diff of a `.env` holding the key keeps its shape: one masked line for each line of the file)."""

from __future__ import annotations

from doctor.lazyre import lazy
from doctor.secret_keys import Sink
from doctor.secret_shapes import MASK

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

PRIVATE_KEY = lazy(r"-----BEGIN[A-Z ]{0,40}PRIVATE KEY-----(?P<v>[A-Za-z0-9+/=\s\\]++)")
_RUNS = lazy(r"\s++|\S++")  # a body's blanks (its line breaks, a diff's margin) and what lies between them


def mask_private_keys(text: str, sink: Sink) -> str:
    """`text` with the body of every PEM private key in it masked, its line breaks kept; each body to `sink`."""

    def replace(match: re.Match[str]) -> str:
        body = match.group("v")
        if body.isspace():
            return match.group(0)  # its lines already masked by value: only the line break after BEGIN is left
        sink(body)
        head = match.group(0)[:match.start("v") - match.start()]
        return head + _RUNS.sub(lambda run: run.group() if run.group().isspace() else MASK, body)

    return PRIVATE_KEY.sub(replace, text)
