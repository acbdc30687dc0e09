"""missing-mount's reading of a Sphinx conf.py: the names of its code the docs build may read, and the
documents it tells Sphinx to skip.

conf.py is a program Sphinx runs: a folder reaches the build through `sys.path.insert(0,
os.path.abspath("../src"))`, a settings module `django.setup()` imports (`"config.settings.local"`),
an extension, or a variable that ends up in one of those. So a string of its code counts, and a module
it imports; not a setting that lists what Sphinx skips (`exclude_patterns = ["_build", "tests"]`,
`autodoc_mock_imports`, apidoc's own `exclude_patterns`), one whose value is a label naming no file
(`project`, `html_theme`), a comment or a docstring. `exclude_patterns` also keeps the documents it
matches from being read for the modules they document, as Sphinx leaves them out of its source folder.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable

# settings (and apidoc_modules' keys) that list what Sphinx, autodoc or an extension skips: never read
_SKIPPED = frozenset((
    "exclude_patterns", "autodoc_mock_imports", "autosummary_mock_imports", "nitpick_ignore",
    "nitpick_ignore_regex", "linkcheck_ignore", "linkcheck_exclude_documents", "linkcheck_anchors_ignore",
    "suppress_warnings", "autoapi_ignore", "apidoc_excluded_paths", "epub_exclude_files", "ignore_pattern",
    "coverage_ignore_modules", "coverage_ignore_classes", "coverage_ignore_functions", "exclude-members",
))
# settings whose values are names or text for the reader, never a file or module of the project
_LABELS = frozenset((
    "project", "author", "copyright", "version", "release", "language", "html_theme", "pygments_style",
    "html_title", "html_short_title", "htmlhelp_basename", "latex_documents", "man_pages",
    "texinfo_documents", "intersphinx_mapping", "epub_title", "epub_author", "epub_publisher",
    "epub_copyright", "source_suffix",
))
_CHANGES = frozenset(("append", "extend", "insert", "add", "update"))  # `exclude_patterns.append("tests")`


class SphinxConf:
    """What a conf.py names: the strings of its code (`names`), the top modules it imports (`imports`),
    and its `exclude_patterns` (`excluded`); `parsed` False where Python could not parse it (then it
    names nothing: a string it holds is not known to be code)."""

    def __init__(self, text: str) -> None:
        self.names: list[str] = []
        self.imports: set[str] = set()
        self.excluded: list[str] = []
        try:
            self._read(ast.parse(text))
            self.parsed = True
        except (SyntaxError, ValueError, RecursionError, MemoryError):  # not Python 3, or nested past the stack
            self.names, self.imports, self.excluded, self.parsed = [], set(), [], False

    def _read(self, node: ast.AST) -> None:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # a docstring: read by no one
        if isinstance(node, ast.JoinedStr):
            return  # an f-string's pieces are no names whole (`f"{ROOT}/src"`)
        setting = _setting(node)
        if setting == "exclude_patterns":
            self.excluded += _strings(node)
        if setting in _SKIPPED or setting in _LABELS:
            return
        if isinstance(node, ast.Import):
            self.imports.update(alias.name.split(".", 1)[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            self.imports.add(node.module.split(".", 1)[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.names.append(node.value)
        elif isinstance(node, ast.Dict):
            # a dict's keys name its options; the values a skipping key lists are skipped
            for key, value in zip(node.keys, node.values, strict=True):
                if not (isinstance(key, ast.Constant) and key.value in _SKIPPED):
                    self._read(value)
            return
        for child in ast.iter_child_nodes(node):
            self._read(child)


def _setting(node: ast.AST) -> str:
    """The name a statement sets or changes (`exclude_patterns = [...]`, `+=`, `.append(...)`), or ""."""
    targets: Iterable[ast.AST] = ()
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = (node.target,)
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and func.attr in _CHANGES:
            targets = (func.value,)
    return next((t.id for t in targets if isinstance(t, ast.Name)), "")


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def excluded_by(patterns: Iterable[str]) -> Callable[[str], bool]:
    """Whether a path relative to the source folder (`legacy/old.rst`, `legacy`) is one Sphinx leaves
    out: matched whole by a pattern, as sphinx.util.matching does (`*` and `?` stop at `/`, `**` does
    not, a leading `**/` also matches at the top)."""
    listed = [p for p in patterns if p]
    listed += [p[3:] for p in listed if p.startswith("**/")]
    compiled = [re.compile(_translated(p)) for p in listed]
    return lambda path: any(c.match(path) for c in compiled)


def _translated(pattern: str) -> str:
    """Sphinx's glob (sphinx.util.matching._translate_pattern) as a regular expression."""
    out, at, end = [], 0, len(pattern)
    while at < end:
        char = pattern[at]
        at += 1
        if char == "*" and pattern[at:at + 1] == "*":
            out.append(".*")
            at += 1
        elif char in "*?":
            out.append("[^/]*" if char == "*" else "[^/]")
        elif char == "[" and _closing(pattern, at) < end:
            close = _closing(pattern, at)
            stuff = pattern[at:close].replace("\\", "\\\\")
            at = close + 1
            # a negated class never matches `/` either; a leading `^` is a character of the class
            stuff = "^/" + stuff[1:] if stuff[0] == "!" else "\\" + stuff if stuff[0] == "^" else stuff
            out.append(f"[{stuff}]")
        else:
            out.append(re.escape(char))
    return "".join(out) + "$"


def _closing(pattern: str, at: int) -> int:
    """Where the `]` closing a class opened before `at` is (a `]` first, or after `!`, is one of its
    characters); len(pattern) when none does."""
    at += pattern[at:at + 1] == "!"
    at += pattern[at:at + 1] == "]"
    found = pattern.find("]", at)
    return len(pattern) if found < 0 else found
