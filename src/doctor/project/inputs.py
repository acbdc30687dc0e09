"""What one compose load read: the environment variables it looked up and the files it read or probed.

The model cache (modelcache.py) keys a stored model on exactly these, so it must never guess:
the loader reports every file it stats or opens through `probed` (one context-variable lookup
when nothing records), and reads the environment through a `TrackedEnv`, which notes each name
looked up together with its value in the caller's environment (None: unset). Code that reads
the environment as a whole (iterates it, copies it with `dict()`) marks the load `wholesale`:
such a load cannot be keyed on names and is not stored. tests/test_modelcache.py patches the
OS calls during a load and fails on any path or variable that was used but not recorded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["LoadInputs", "TrackedEnv", "env_copy", "probed", "recording"]


class LoadInputs:
    """The inputs of one load: names looked up (-> value in `origin`, None when unset) and paths touched."""

    def __init__(self, origin: Mapping[str, str], stamp: Callable[[str], tuple[object, ...] | int]) -> None:
        self.origin = dict(origin)
        self.env: dict[str, str | None] = {}
        self.stamp = stamp  # the recorder's (modelcache.stamp)
        # path -> its stamp when the load first probed it, before reading it: a file rewritten
        # during the load then differs from what is stored, whatever its mtime
        self.files: dict[str, tuple[object, ...] | int] = {}
        self.wholesale = False  # the environment was read as a whole: the load depends on every name
        # a file could not be read (a permission, an I/O error): not a fact of its stat, so not
        # keyed by it (the user may join the file's group with no stamp changing)
        self.unsure = False


_ACTIVE: ContextVar[LoadInputs | None] = ContextVar("doctor_load_inputs", default=None)


def probed(path: os.PathLike[str] | str) -> None:
    """Note that the running load stats or reads `path` (nothing happens when no load records)."""
    inputs = _ACTIVE.get()
    if inputs is not None:
        key = os.fspath(path)
        if key not in inputs.files:
            inputs.files[key] = inputs.stamp(key)


def unsure() -> None:
    """Note that the running load met a file it could not read (a permission, an I/O error)."""
    inputs = _ACTIVE.get()
    if inputs is not None:
        inputs.unsure = True


@contextmanager
def recording(inputs: LoadInputs) -> Iterator[LoadInputs]:
    """Record the files probed in this context into `inputs`."""
    token = _ACTIVE.set(inputs)
    try:
        yield inputs
    finally:
        _ACTIVE.reset(token)


class TrackedEnv(dict[str, str]):
    """The environment as a dict that notes every name looked up in it (copies note into the same record)."""

    inputs: LoadInputs

    @classmethod
    def of(cls, inputs: LoadInputs) -> TrackedEnv:
        made = cls(inputs.origin)  # the constructor reads nothing through the overrides below
        made.inputs = inputs
        return made

    def _note(self, key: object) -> None:
        if isinstance(key, str) and key not in self.inputs.env:
            self.inputs.env[key] = self.inputs.origin.get(key)

    def _whole(self) -> None:
        self.inputs.wholesale = True

    def __getitem__(self, key: str) -> str:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def setdefault(self, key: str, default: str) -> str:
        self._note(key)
        return super().setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        self._note(key)
        return super().pop(key, *default)

    def copy(self) -> TrackedEnv:
        made = TrackedEnv(self.plain())
        made.inputs = self.inputs
        return made

    def plain(self) -> dict[str, str]:
        """A plain dict of the contents, noting nothing (the unbound dict views bypass the overrides)."""
        return dict(zip(dict.keys(self), dict.values(self), strict=True))

    # reading the whole environment: the load depends on every name
    def __iter__(self) -> Iterator[str]:
        self._whole()
        return super().__iter__()

    def __len__(self) -> int:
        self._whole()
        return super().__len__()

    def keys(self) -> Any:
        self._whole()
        return super().keys()

    def values(self) -> Any:
        self._whole()
        return super().values()

    def items(self) -> Any:
        self._whole()
        return super().items()

    def __eq__(self, other: object) -> bool:
        self._whole()
        return super().__eq__(other)


    def __or__(self, other: Any) -> Any:
        self._whole()
        return super().__or__(other)

    def __ror__(self, other: Any) -> Any:
        self._whole()
        return super().__ror__(other)

    def __reduce__(self) -> Any:
        self._whole()
        return (dict, (self.plain(),))


def env_copy(env: Mapping[str, str]) -> dict[str, str]:
    """A copy of an environment; a TrackedEnv's copy keeps noting into the same record."""
    return env.copy() if isinstance(env, TrackedEnv) else dict(env)
