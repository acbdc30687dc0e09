"""Commands that need none of a project's packages: Python run on code of the standard library alone."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from pathlib import Path


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
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # too deeply nested to parse: unknown
        return False
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return names <= set(sys.stdlib_module_names)


# what lets a script's code reach more than its imports: another program (`subprocess.run(["pytest"])`,
# `os.system`), or a module named at run time (`importlib.import_module`, `runpy`, `__import__`, `exec`)
_REACHES_FURTHER = frozenset({"subprocess", "runpy", "importlib", "multiprocessing", "pty", "concurrent"})
_RUNS_CODE = frozenset({"system", "popen", "execl", "execle", "execlp", "execv", "execve", "execvp", "execvpe",
                        "spawnl", "spawnv", "spawnlp", "spawnvp", "posix_spawn", "posix_spawnp",
                        "__import__", "exec", "eval", "compile"})


def standard_library_script(tool: str, arguments: Sequence[str], cwd: Path) -> bool:
    """Whether `python SCRIPT.py ...` (or `./SCRIPT.py` by its path) runs a script of the project that
    imports the standard library alone and starts no other program: openwisp/docker-openwisp's
    `python build.py change-secret-key` (random, re, sys, pathlib) edits .env on the host, and needs
    nothing an image installs. Any other import (Django's `execute_from_command_line` inside
    manage.py's main, the project's own `app`), a relative one, or a file that cannot be read and
    parsed whole is not."""
    if posixpath.basename(tool).startswith("python"):
        if not arguments or arguments[0].startswith("-") or not arguments[0].endswith(".py"):
            return False
        script = arguments[0]
    elif tool.endswith(".py"):
        script = tool
    else:
        return False
    import ast
    import sys

    from doctor.project.reading import read_regular_text

    text = read_regular_text(cwd / script, 256 * 1024)
    if not text:
        return False
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # `x = 1+1+...` nested past the parser's
        return False  # depth (RecursionError, or MemoryError by version): unknown, not the host's
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                return False
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Name | ast.Attribute) and (
                node.id if isinstance(node, ast.Name) else node.attr) in _RUNS_CODE:
            return False
    return names <= set(sys.stdlib_module_names) and not names & _REACHES_FURTHER
