"""The Redactor of a project's output that also masks each known secret base64-encoded.

A container that logs what it sends (`sent $(printf %s "$DB_PASSWORD" | base64)`) shows the password to
whoever decodes `RGJwNHNzVzByZFg=`. The encoded forms (`doctor.secret_pieces.base64_forms`) are not more
values of the Redactor: each holds `+`, `/` or `=`, which its percent-encoded pattern spells out, and 20
values' forms cost that pattern ~2 ms to compile on every run. They are a set, made the first time a text
holds a run of base64 characters that may be one (8 or more, not all one-case letters: `services`, `postgres`
are none), and each run is looked up in it whole, padded or not: one pass over the text whatever the number of
values.
"""

from __future__ import annotations

from collections.abc import Iterable

from doctor.lazyre import lazy
from doctor.redact import Redactor
from doctor.secret_shapes import MASK

_RUN = lazy(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{6,}+={0,2}+")
_LONG = 8


class EncodedRedactor(Redactor):
    """A Redactor that masks each of its known values base64-encoded too, where the text shows the encoding
    as one run (`sent *** and ***` of `printf %s`'s and `echo`'s output)."""

    _forms: frozenset[str] | None = None

    def knowing(self, values: Iterable[str]) -> Redactor:
        new = set(values).difference(self._values)
        return EncodedRedactor((*self._values, *new), self._names, self._clean) if new else self

    def _text(self, text: str) -> str:
        return super()._text(self._decoded_masked(text)) if self._values else super()._text(text)

    def _decoded_masked(self, text: str) -> str:
        # the runs looked up in one pass of C first (a Python step for each run of every text the output border
        # passes cost a warm preflight 1.5M instructions on clean-stack, 4.1M on otel-demo); a text none of whose
        # runs is a form, padded or not, is as the loop below leaves it
        runs = _RUN.findall(text)
        if not runs:
            return text
        if self._forms is None:
            if not any(map(_may_encode, runs)):
                return text
            self._forms = _encoded(self._values)
        forms = self._forms
        if not forms:  # no known value long enough to have a base64 form: nothing to mask
            return text
        if forms.isdisjoint(runs) and forms.isdisjoint([word.rstrip("=") for word in runs if word[-1] == "="]):
            return text
        out: list[str] = []
        done = 0
        for run in _RUN.finditer(text):
            word = run.group()
            if not _may_encode(word):
                continue
            if word in forms or word.rstrip("=") in forms:
                out += [text[done:run.start()], MASK]
                done = run.end()
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)


def _may_encode(word: str) -> bool:
    """Whether a run could be a secret's base64: 8 characters or more, or shorter and padded or holding a
    digit; never only lower-case or only upper-case letters (a word, a name)."""
    if len(word) < _LONG and not word.endswith("=") and not any(c.isdigit() for c in word):
        return False
    letters = word.rstrip("=")
    return not (letters.isalpha() and (letters.islower() or letters.isupper()))


def _encoded(values: Iterable[str]) -> frozenset[str]:
    from doctor.secret_pieces import MIN_SECRET_LENGTH, base64_forms

    forms: set[str] = set()
    for value in values:
        whole = value.strip()
        if len(whole) >= MIN_SECRET_LENGTH:
            forms |= base64_forms(whole)
    return frozenset(forms)
