"""JSON request bodies as the API accepts them: shallow, valid Unicode, numbers in range.

Python's ``json`` module recurses once per nesting level (a body nested 100,000 deep is a
RecursionError), decodes ``"\\ud800"`` into a lone surrogate that no database can store,
refuses integers over 4,300 digits with a plain ValueError and reads ``NaN``/``Infinity``,
which are not JSON.  Each of those is refused here as a 4xx problem before any schema sees it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from service.http.problems import TITLES, ProblemError

TITLES.setdefault("json-too-deep", "The JSON body is nested too deeply")

#: Deepest nesting of arrays and objects a body may have; the API's deepest schema uses 3.
MAX_DEPTH = 64
#: Integers must fit the databases' 64-bit columns.
INTEGER_MAX = 2**63 - 1
_INTEGER_DIGITS = len(str(INTEGER_MAX))
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class _Refused:
    """A number the parser met that the API does not take; found with its path afterwards."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _integer(text: str) -> int | _Refused:
    # Counting digits first: int() of 4,300 digits and more raises a ValueError.
    value = int(text) if len(text.lstrip("-")) <= _INTEGER_DIGITS else None
    if value is None or abs(value) > INTEGER_MAX:
        return _Refused(f"must be a number between -{INTEGER_MAX} and {INTEGER_MAX}")
    return value


def _float(text: str) -> float | _Refused:
    value = float(text)
    return value if math.isfinite(value) else _Refused("must be a finite number")


def _constant(text: str) -> _Refused:
    return _Refused(f"{text} is not a JSON number")


def nesting_depth(raw: bytes, limit: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest (strings skipped); counts no further than ``limit + 1``."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _problems(value: Any, path: str) -> Iterator[dict[str, str]]:
    if isinstance(value, str):
        if not value.isascii() and not _encodable(value):
            yield {"field": path or "body", "message": "must be valid Unicode text"}
    elif isinstance(value, _Refused):
        yield {"field": path or "body", "message": value.reason}
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if not key.isascii() and not _encodable(key):
                yield {"field": path or "body", "message": "a field name is not valid Unicode"}
            yield from _problems(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _problems(item, f"{path}.{index}" if path else str(index))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def load_json_body(raw: bytes) -> Any:
    """The parsed body, or a problem: 400 when nested too deep or not JSON, 422 naming the field."""
    if nesting_depth(raw) > MAX_DEPTH:
        raise ProblemError(
            400, "json-too-deep", f"the body nests arrays and objects deeper than {MAX_DEPTH}"
        )
    try:
        value = json.loads(
            raw.decode("utf-8"), parse_int=_integer, parse_float=_float, parse_constant=_constant
        )
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProblemError(
            400, "malformed-json", "the request body could not be parsed as JSON"
        ) from None
    errors = list(_problems(value, ""))
    if errors:
        fields = ", ".join(e["field"] for e in errors)
        raise ProblemError(
            422,
            "validation",
            f"invalid fields: {fields}",
            extra={"field": errors[0]["field"], "errors": errors},
        )
    return value
