"""Writes compose_spec_validator.py: compose-spec.json compiled to plain Python by fastjsonschema.

    python -m doctor.project.spec.generate      # after updating compose-spec.json (tests fail while stale)

A compose file is nearly always valid, and jsonschema costs ~0.2 s to import and ~1 ms a service
to say so. The generated module only answers "valid or not", imports nothing but doctor.lazyre
(its patterns are compiled on first use, from doctor.recache's table), and is what schema.py
asks first; jsonschema runs only on an invalid document, for compose's exact messages. What the
generation keeps of schema.py's jsonschema setup:

- no default is written into the document (`use_default=False`);
- formats: schema.py's FormatChecker checks `duration` only, so every format fastjsonschema
  knows is routed to the caller's `custom_formats` (schema.py accepts all but `duration`);
- fastjsonschema's exception classes are defined in the module: it is no run-time dependency;
- `decimal` is not imported (~5 ms): a compose mapping holds no Decimal, only int and float;
- no message is built, neither the path a `$ref` call passes down nor the text of a raise:
  doctor never shows them, and a oneOf branch that does not match raises on the common path
  (`"...".format(**locals())` there took half the time at 2,000 services).

It also exports SECTIONS, the top-level keys whose mapping the schema judges entry by entry
(`services`, `volumes`, ...), after asserting that the root judges each top-level key on its
own: schema.py then validates only the keys and entries a file changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "compose-spec.json"
TARGET = HERE / "compose_spec_validator.py"
FASTJSONSCHEMA = "2.22.3"  # the generated text depends on the version: pinned in the dev extra too

ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default", "deprecated",
                         "examples"})
# root keywords under which a document is valid exactly when each of its top-level keys is
ROOT_KEYWORDS = frozenset({"type", "properties", "patternProperties", "additionalProperties", "definitions"})
# section keywords under which a mapping is valid exactly when each of its entries is
SECTION_KEYWORDS = frozenset({"type", "patternProperties", "additionalProperties"})
# a $ref call with the name of its value for messages: `validate_X(data__a, custom_formats, (name_prefix ...))`
REF_CALL = re.compile(r'^(\s*validate_\w+\(\w+, custom_formats), \(name_prefix or "data"\) \+ "[^"\n]*"'
                      r'(?:\.format\(\*\*locals\(\)\))?\)$', re.MULTILINE)
ANY_CALL = re.compile(r"^\s*validate_\w+\(", re.MULTILINE)
RAISE = re.compile(r"^(\s*raise JsonSchemaValueException)\(.*\)$", re.MULTILINE)
IMPORT = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException\n"
DECIMAL = "from decimal import Decimal\n"
RE_IMPORT = "\nimport re\n"
LAZY_IMPORT = "\nfrom doctor.lazyre import lazy\n"
EXCEPTIONS = '''

class Decimal:
    """Never in a compose mapping (YAML numbers load as int or float): stands in for decimal.Decimal."""

class JsonSchemaValueException(ValueError):
    """The document breaks the schema (doctor asks jsonschema for compose's own message)."""


class JsonSchemaValuesException(JsonSchemaValueException):
    """Several breaks at once (unused: generated with fast_fail)."""

'''


def sections(schema: dict[str, Any]) -> tuple[str, ...]:
    """The top-level keys judged entry by entry; SystemExit if the root judges keys together."""
    extra = set(schema) - ANNOTATIONS - ROOT_KEYWORDS
    if extra or schema.get("type") != "object":
        raise SystemExit(f"compose-spec.json: the root uses {sorted(extra) or 'a type but object'}; schema.py "
                         "validates top-level keys one by one: review Validation.add before regenerating")
    found = []
    for key, sub in schema.get("properties", {}).items():
        if (isinstance(sub, dict) and sub.get("type") == "object" and not set(sub) - ANNOTATIONS - SECTION_KEYWORDS
                and "patternProperties" in sub):
            found.append(key)
    return tuple(found)


def render(schema_text: str) -> str:
    """The generated module's text for this schema."""
    import fastjsonschema  # a development dependency only
    from fastjsonschema.draft07 import CodeGeneratorDraft07

    if fastjsonschema.VERSION != FASTJSONSCHEMA:
        raise SystemExit(f"fastjsonschema {fastjsonschema.VERSION} installed; the vendored validator is "
                         f"generated with {FASTJSONSCHEMA} (pip install -e '.[dev]')")
    schema = json.loads(schema_text)
    names = sections(schema)
    formats = dict.fromkeys([*CodeGeneratorDraft07.FORMAT_REGEXS, "regex", "duration"], bool)
    code = fastjsonschema.compile_to_code(schema, formats=formats, use_default=False, detailed_exceptions=False)
    if code.count(IMPORT) != 1 or code.count(DECIMAL) != 1 or "Decimal(" in code:
        raise SystemExit(f"fastjsonschema {fastjsonschema.VERSION} imports its exceptions or Decimal anew")
    code, calls = REF_CALL.subn(r"\1)", code)
    if calls != len(ANY_CALL.findall(code)):
        raise SystemExit(f"fastjsonschema {fastjsonschema.VERSION} writes $ref calls in a new form")
    code, raises = RAISE.subn(r"\1", code)
    if raises != code.count("raise "):
        raise SystemExit(f"fastjsonschema {fastjsonschema.VERSION} writes its raises in a new form")
    # the schema's patterns are static: compiled on first use, from doctor.recache's table (a run
    # that validates compiled all seven anew, ~0.9 ms of a first run), never at import
    code = code.replace(RE_IMPORT, LAZY_IMPORT, 1).replace("': re.compile(", "': lazy(")
    if RE_IMPORT in code or re.search(r"\bre\.", code):
        raise SystemExit(f"fastjsonschema {fastjsonschema.VERSION} uses `re` beyond REGEX_PATTERNS")
    digest = hashlib.sha256(schema_text.encode()).hexdigest()
    header = (f'"""compose-spec.json as Python: generated by `python -m doctor.project.spec.generate` with '
              f'fastjsonschema {FASTJSONSCHEMA}; do not edit."""\n'
              "# ruff: noqa\n# mypy: ignore-errors\n\n"
              f"SCHEMA_SHA256 = {digest!r}\n"
              f"SECTIONS = {names!r}\n")
    footer = "\n\nvalidate = validate_compose_spec_json\n"
    return header + code.replace(DECIMAL, "").replace(IMPORT, EXCEPTIONS) + footer


def main() -> int:
    TARGET.write_text(render(SCHEMA.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
