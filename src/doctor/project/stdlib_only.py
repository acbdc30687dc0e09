"""Commands that need none of a project's packages: Python run on code of the standard library alone."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence


def inline_standard_library(tool: str, arguments: Sequence[str]) -> bool:
    """Whether a `python -c CODE` needs no package of the project's: CODE imports the standard library alone,
    or is a variable of the Makefile's or the shell's doctor does not read (umap's `make help`, whose
    PRINT_HELP_PYSCRIPT reads the Makefile with `re` and `sys`): nothing says it needs the image."""
    if not posixpath.basename(tool).startswith("python") or "-c" not in arguments[:2]:
        return False
    at = list(arguments).index("-c")
    code = arguments[at + 1] if at + 1 < len(arguments) else ""
    if "$" in code:
        return True
    import ast
    import sys

    try:
        tree = ast.parse(code.replace("; ", "\n"))
    except (SyntaxError, ValueError):
        return False
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return names <= set(sys.stdlib_module_names)
