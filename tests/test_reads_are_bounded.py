"""Every read of a project file goes through doctor.regular (or doctor.project.reading on top of it).

`Path.read_text`, `read_bytes` and `open()` block forever on a FIFO and read a device or a 3 GB
log whole; doctor.regular reads regular files only, without blocking, up to a limit. The checks
and the project layer read only the user's files, so none of them may call the raw readers
(tests/test_fifo_anywhere.py shows what each such call did to a run).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDERS = (REPO / "checks", REPO / "src" / "doctor" / "project")
# not a user's file: the compose schema shipped inside the package, and the script regenerating it
ALLOWED = {"src/doctor/project/schema.py", "src/doctor/project/schema_messages.py",
           "src/doctor/project/spec/generate.py"}
RAW = {"read_text", "read_bytes", "open"}


def _raw_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "open":
            found.append(f"{node.lineno}: open()")
        elif isinstance(func, ast.Attribute) and func.attr in RAW and not (
                isinstance(func.value, ast.Name) and func.value.id in ("os", "regular")):
            found.append(f"{node.lineno}: .{func.attr}()")
    return found


def test_checks_and_the_project_layer_read_files_only_through_doctor_regular() -> None:
    offenders = {}
    for folder in FOLDERS:
        for path in sorted(folder.rglob("*.py")):
            name = path.relative_to(REPO).as_posix()
            if name not in ALLOWED and (found := _raw_reads(path)):
                offenders[name] = found
    assert not offenders, offenders
