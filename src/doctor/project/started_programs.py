"""What the programs a project script starts are, where its text says: suitenumerique/people's
scripts/release.py runs `git` and `uv` through its sibling utils.py's `run_command(cmd)`, a wrapper of
`subprocess.check_call`: programs of the host, none of the image's Python packages."""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable, Iterable, Sequence

from doctor.lazyre import lazy

# the calls that start a program from their first argument (or `args=`): a list's first word, a string's
_SUBPROCESS_STARTERS = frozenset({"run", "call", "check_call", "check_output", "Popen", "getoutput",
                                  "getstatusoutput"})
_OS_STARTERS = frozenset({"system", "popen"})
_ASYNC_STARTERS = frozenset({"create_subprocess_exec", "create_subprocess_shell"})
# programs that start whatever their words name (`env X=1 pytest`, `sh -c ...`): what they run is unknown
_RUNNING_OTHERS = frozenset({"env", "sh", "bash", "zsh", "dash", "exec", "xargs", "sudo", "nohup", "time", "nice",
                             "timeout", "eval", "source", ".", "command", "npx", "uvx", "pipx"})
# where a shell line starts another command: `a && b`, `a; b`, `a | b`, `$(b)`, a backquote
_SEPARATORS = lazy(r"&&|\|\||[;|&\n(`]")
_HOLE = "\x00"  # an f-string's formatted value: a word holding it is no literal


def starts_only(trees: Iterable[ast.Module], image_tool: Callable[[str], bool] | None) -> bool:
    """Whether every program the modules start (subprocess, os.system/os.popen, asyncio's subprocesses) is
    a literal that is no tool of the image's Python packages (`image_tool` False: git, uv, docker, make),
    through functions that pass a parameter on to the call (`run_command(cmd)`) judged at each call site;
    False where one is the image's (pytest, alembic, `manage.py`, a `python`), a program that runs another
    (`sh`, `env`), or not a literal, or where `image_tool` is None (nothing to judge by: unknown)."""
    trees = list(trees)
    starters: set[str] = set()  # names called like a starter: `from subprocess import run as r`
    modules = {"subprocess", "os", "posix", "asyncio"}
    arguments: list[tuple[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None]] = []
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules |= {a.asname for a in node.names if a.asname and a.name in ("subprocess", "os", "asyncio")}
            elif isinstance(node, ast.ImportFrom) and node.module in ("subprocess", "os", "posix", "asyncio"):
                if any(a.name == "*" for a in node.names):
                    return False
                starters |= {a.asname or a.name for a in node.names
                             if a.name in _SUBPROCESS_STARTERS | _OS_STARTERS | _ASYNC_STARTERS}
    for tree in trees:
        for function, call in _calls(tree):
            if _starts(call.func, modules, starters):
                argument = _program_argument(call)
                if argument is None:
                    return False
                arguments.append((argument, function))
    if not arguments:
        return True
    if image_tool is None:
        return False
    wrappers: dict[str, tuple[int, str]] = {}  # function name -> (parameter index, name) it starts
    judged: set[int] = set()
    for _ in range(4):  # a wrapper of a wrapper, a few deep at most
        pending = []
        for argument, function in arguments:
            if id(argument) in judged:
                continue
            judged.add(id(argument))
            parameter = _parameter(argument, function)
            if parameter is not None and function is not None:
                wrappers.setdefault(function.name, parameter)
                continue
            if not _host_program(argument, image_tool):
                return False
        for tree in trees:
            for function, call in _calls(tree):
                name = _called_name(call.func)
                if name in wrappers:
                    passed = _passed(call, *wrappers[name])
                    if passed is None:
                        return False
                    if id(passed) not in judged:
                        pending.append((passed, function))
        if not pending:
            return True
        arguments = pending
    return False


def _calls(tree: ast.Module) -> Iterable[tuple[ast.FunctionDef | ast.AsyncFunctionDef | None, ast.Call]]:
    """Each call of the module, with the function it is written in (None at module level)."""
    stack: list[tuple[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call):
                yield function, child
            stack.append((child, inner))


def _starts(func: ast.AST, modules: set[str], starters: set[str]) -> bool:
    if isinstance(func, ast.Name):
        return func.id in starters
    return (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in modules
            and func.attr in _SUBPROCESS_STARTERS | _OS_STARTERS | _ASYNC_STARTERS)


def _called_name(func: ast.AST) -> str:
    """`run_command` of `run_command(...)` and of `utils.run_command(...)`."""
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _program_argument(call: ast.Call) -> ast.AST | None:
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg in ("args", "cmd", "command", "program")), None)


def _parameter(argument: ast.AST, function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> tuple[int, str] | None:
    """(index, name) of the enclosing function's parameter the argument is, unchanged; else None."""
    if function is None or not isinstance(argument, ast.Name):
        return None
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if argument.id in names:
        return names.index(argument.id), argument.id
    return (-1, argument.id) if argument.id in [a.arg for a in function.args.kwonlyargs] else None


def _passed(call: ast.Call, index: int, name: str) -> ast.AST | None:
    """What a call site passes for that parameter; None where it cannot be told (`*args`, `**kwargs`)."""
    keyword = next((k.value for k in call.keywords if k.arg == name), None)
    if keyword is not None:
        return keyword
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    if 0 <= index < len(call.args):
        return call.args[index]
    return None  # a default doctor does not read: unknown


def _host_program(argument: ast.AST, image_tool: Callable[[str], bool]) -> bool:
    """Whether a literal command (`["git", "pull"]`, `"uv lock"`, f"git checkout -b {branch}") starts only
    programs no tool of the image's Python packages is."""
    if isinstance(argument, (ast.List, ast.Tuple)):
        first = argument.elts[0] if argument.elts else None
        return (isinstance(first, ast.Constant) and isinstance(first.value, str)
                and _host_words([first.value], image_tool))
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        text = argument.value
    elif isinstance(argument, ast.JoinedStr):
        text = "".join(p.value if isinstance(p, ast.Constant) and isinstance(p.value, str) else _HOLE
                       for p in argument.values)
    else:
        return False
    segments = [s.split() for s in _SEPARATORS.split(text)]
    return any(segments) and all(_host_words(words, image_tool) for words in segments if words)


def _host_words(words: Sequence[str], image_tool: Callable[[str], bool]) -> bool:
    from doctor.project.command_home import runner_started

    while words and "=" in words[0] and not words[0].startswith("-"):  # `FOO=1 git ...`
        words = words[1:]
    started = runner_started(words)  # `uv run pytest`: pytest
    program = started[0] if started else ""
    name = posixpath.basename(program)
    if not name or _HOLE in program or "$" in program or name in _RUNNING_OTHERS:
        return False
    if "/" in program or name.startswith("python") or name.endswith(".py"):
        return False  # a script of the project's, or Python: its imports decide
    return not image_tool(name)
