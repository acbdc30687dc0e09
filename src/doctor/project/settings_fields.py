"""The string defaults of a pydantic-settings class's fields, read with `ast` (never executed):
`class Settings(BaseSettings): redis_url: str = "redis://localhost:6379/0"`, a
`Field("...", alias="REDIS_URL")` or `Field(default=..., validation_alias=...)` (pydantic v1's `env=`
too), the variable named by the class's `env_prefix` (none for an alias, as pydantic-settings reads it)
and upper-cased unless `case_sensitive=True`. Where the process environment (or an `env_file` the class
loads) has no such variable, the default is what the app uses. Only classes the module itself
instantiates count (`settings = Settings()`, or `get_settings()` returning `Settings()`): one defined
for another module's use, or never built, may hold any default. A field with another alias form
(`AliasChoices`) is skipped. Imported only where a check asks.
"""

from __future__ import annotations

import ast
from pathlib import Path

from doctor.project.dotenv_paths import _string
from doctor.project.reading import read_regular_text
from doctor.project.setting_defaults import SettingDefault

MAX_BYTES = 256 * 1024
_BASES = frozenset({"BaseSettings"})


def settings_field_defaults(path: Path) -> tuple[SettingDefault, ...]:
    """The string defaults of the fields of the settings classes the module builds."""
    text = read_regular_text(path, MAX_BYTES)
    if not text or "BaseSettings" not in text:
        return ()
    try:
        tree = ast.parse(text, str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    classes: dict[str, tuple[ast.ClassDef, str | None, dict[str, ast.expr]]] = {}  # name: (class, parent, config)
    for stmt in _top_level(tree.body):
        if not isinstance(stmt, ast.ClassDef):
            continue
        bases = [_base_name(b) for b in stmt.bases]
        parent = next((b for b in bases if b in classes), None)
        if parent is None and not any(b in _BASES for b in bases):
            continue
        config = dict(classes[parent][2]) if parent is not None else {}
        config.update(_config(stmt))
        classes[stmt.name] = (stmt, parent, config)
    built = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id in classes}
    found: dict[tuple[int, int], SettingDefault] = {}
    for name in built:
        config = classes[name][2]
        prefix = _string(config["env_prefix"]) if "env_prefix" in config else ""
        folded = not (isinstance(config.get("case_sensitive"), ast.Constant)
                      and config["case_sensitive"].value is True)  # type: ignore[attr-defined]
        current: str | None = name
        fields: set[str] = set()
        while current is not None:  # a subclass's field hides its parent's of the same name
            cls, parent, _ = classes[current]
            for stmt in cls.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                    if stmt.target.id in fields or stmt.target.id == "model_config":
                        continue
                    fields.add(stmt.target.id)
                    default = _field(stmt.target.id, stmt.value, prefix or "", folded)
                    if default is not None:
                        found.setdefault((default.line, default.column), default)
            current = parent
    return tuple(sorted(found.values(), key=lambda d: (d.line, d.column)))


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The module's statements and those of its `try` blocks (an `if`'s may not run)."""
    found: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.Try):
            for nested in (stmt.body, stmt.orelse, stmt.finalbody):
                found += _top_level(nested)
        else:
            found.append(stmt)
    return found


def _base_name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _config(cls: ast.ClassDef) -> dict[str, ast.expr]:
    """`model_config = SettingsConfigDict(...)` (or a dict), or pydantic v1's nested `class Config:`."""
    config: dict[str, ast.expr] = {}
    for stmt in cls.body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and stmt.targets[0].id == "model_config"):
            if isinstance(stmt.value, ast.Call):
                config.update({k.arg: k.value for k in stmt.value.keywords if k.arg})
            elif isinstance(stmt.value, ast.Dict):
                config.update({k.value: v for k, v in zip(stmt.value.keys, stmt.value.values, strict=True)
                               if isinstance(k, ast.Constant) and isinstance(k.value, str)})
        elif isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            config.update({s.targets[0].id: s.value for s in stmt.body if isinstance(s, ast.Assign)
                           and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name)})
    return config


def _field(name: str, value: ast.expr, prefix: str, folded: bool) -> SettingDefault | None:
    """The field's variable and string default: `= "v"`, `= Field("v", ...)`, `= Field(default="v", ...)`."""
    alias: str | None = None
    default = value
    if isinstance(value, ast.Call) and _base_name(value.func) == "Field":
        keywords = {k.arg: k.value for k in value.keywords if k.arg}
        default = value.args[0] if value.args else keywords.get("default")  # type: ignore[assignment]
        for word in ("validation_alias", "alias", "env"):
            if word in keywords:
                alias = _string(keywords[word])
                if alias is None:
                    return None  # AliasChoices, AliasPath, a list of names: not one variable
                break
    text = _string(default) if default is not None else None
    if text is None or default is None:
        return None
    key = alias if alias is not None else f"{prefix}{name}"
    return SettingDefault(default.lineno, default.col_offset + 1, key.upper() if folded else key, text,
                          folded=folded)
