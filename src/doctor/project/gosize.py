"""Byte sizes as compose decodes them (`mem_limit: 512m`, `shm_size: 1gb`): go-units' RAMInBytes.

compose-go's `UnitBytes` fields take a number or a string that `units.RAMInBytes` parses after the schema
has passed (the schema allows any string), so `shm_size: 1gig` fails only at decoding, with go-units'
own words: `invalid suffix: 'gig'`. This is that parser's grammar (docker/go-units size.go, parseSize).
"""

from __future__ import annotations

# (the key path under a service, compose-go's UnitBytes fields; a tmpfs mount's `size` is read apart)
SIZE_FIELDS = (("mem_limit",), ("mem_reservation",), ("memswap_limit",), ("mem_swappiness",), ("shm_size",),
               ("build", "shm_size"), ("deploy", "resources", "limits", "memory"),
               ("deploy", "resources", "reservations", "memory"))
_SUFFIXES = "kmgtp"
_NUMBER_ENDS = frozenset("0123456789. ")


def size_parts(text: str) -> tuple[str, str] | None:
    """The number and the suffix parseSize cuts a size string into (`512`, `m`), or None with no digit,
    dot or blank: what its errors quote of the string (`strconv.ParseFloat: parsing "Sc3Vb7"` of
    `Sc3Vb7Nq`), so what `doctor.redact` masks of a secret value besides the whole."""
    sep = len(text) - 1
    while sep >= 0 and text[sep] not in _NUMBER_ENDS:  # from the end: a suffix is a few characters
        sep -= 1
    if sep == -1:
        return None
    return (text[:sep + 1], text[sep + 1:]) if text[sep] != " " else (text[:sep], text[sep + 1:])


def size_error(text: str) -> str | None:
    """go-units' error for a size string (`invalid size: 'lots'`), or None when it parses."""
    parts = size_parts(text)
    if parts is None:
        return f"invalid size: '{text}'"  # there should be at least a digit
    number, suffix = parts
    size = _parse_float(number)
    if size is None:
        return f'strconv.ParseFloat: parsing "{number}": invalid syntax'
    if size < 0:
        return f"invalid size: '{text}'"
    if not suffix:
        return None
    lower = suffix.lower()
    bad = f"invalid suffix: '{lower}'" if len(suffix) <= 3 else f"invalid suffix: '{suffix}'"
    if len(suffix) > 3:
        return bad
    if lower[0] == "b":
        return bad if len(lower) > 1 else None
    if lower[0] not in _SUFFIXES or (len(lower) == 2 and lower[1] != "b") or (len(lower) == 3 and lower[1:] != "ib"):
        return bad
    return None


def _parse_float(text: str) -> float | None:
    """strconv.ParseFloat for a decimal number, or None where Go refuses it (Python's float() also takes
    surrounding blanks and `1_000`, which Go does not)."""
    if not text or text != text.strip() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def size_bytes(value: object) -> int | None:
    """The bytes go-units' RAMInBytes makes of a size (`512m` is 512 MiB; a number is bytes), None
    where it does not parse (size_error says why)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if not isinstance(value, str) or size_error(value) is not None:
        return None
    parts = size_parts(value)
    size = _parse_float(parts[0]) if parts else None
    if parts is None or size is None:
        return None
    suffix = parts[1].lower()
    power = _SUFFIXES.index(suffix[0]) + 1 if suffix and suffix[0] != "b" else 0
    return int(size * 1024 ** power)
