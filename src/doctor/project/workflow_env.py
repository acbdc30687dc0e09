"""`${{ env.NAME }}` in a GitHub workflow, read as GitHub reads it: the step's `env:`, then the
job's, then the workflow's (the innermost that sets the name wins).

djangoproject.com's tests workflow sets `PYTHON_VERSION: "3.11"` in the workflow's `env:` and
its setup step says `python-version: ${{ env.PYTHON_VERSION }}`: the version CI runs is the one
written in that `env:`, at that line. A value set at run time (`echo X=1 >> $GITHUB_ENV`) or an
expression that is not a plain `env.NAME` is not known here.
"""

from __future__ import annotations

from doctor.model import Location

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.yamlload import YMap

Scopes = tuple["YMap", ...]  # the `env:` maps around a node, innermost first


def with_env(node: object, scopes: Scopes) -> Scopes:
    """The scopes inside `node` (the workflow, a job or a step): its own `env:` map first."""
    from doctor.project.yamlload import YMap

    env = node.get("env") if isinstance(node, YMap) else None
    return (env, *scopes) if isinstance(env, YMap) else scopes


def env_name(value: str) -> str | None:
    """NAME of a value that is `${{ env.NAME }}` alone (spaces allowed inside the braces), else None."""
    inner = value.strip()
    if not (inner.startswith("${{") and inner.endswith("}}")):
        return None
    expression = inner[3:-2].strip()
    if not expression.startswith("env."):
        return None
    name = expression[len("env."):]
    return name if name and all(c.isalnum() or c == "_" for c in name) else None


def env_value(value: str, scopes: Scopes) -> tuple[object, Location, str] | None:
    """(value, where it is written, its name) of `${{ env.NAME }}` in the innermost scope that sets
    NAME; None for another expression or a name no scope sets. GitHub reads context properties
    without regard to case (`env.python_version` is PYTHON_VERSION)."""
    name = env_name(value)
    if name is None:
        return None
    for scope in scopes:
        key = name if name in scope else next((str(k) for k in scope if str(k).casefold() == name.casefold()), None)
        where = scope.loc_of(key) if key is not None else None
        if key is not None and where is not None:
            found = scope[key]
            return (found, where, key) if not isinstance(found, (dict, list)) else None
    return None
