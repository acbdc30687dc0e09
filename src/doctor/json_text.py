"""A JSON document as doctor writes it: indented, non-ASCII text as it is, and valid UTF-8 whatever it names."""

from __future__ import annotations

import json


def dumps(value: object) -> str:
    """`value` as indented JSON text with a final newline. A file name that is not UTF-8 (`e\\xfe.sh`,
    read as Python's surrogate escape `e\\udcfe.sh`) is written as the JSON escape `\\udcfe`, never
    as a lone surrogate no stream or file can encode: the document stays valid UTF-8, and a reader
    in Python gets the name back (os.fsencode) byte for byte."""
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    # only a lone surrogate cannot be encoded; its backslash form is the JSON escape of that code unit
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
