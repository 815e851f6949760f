"""Parsing and validating one cell of imported or submitted data.

Every parser takes the raw string and returns the value or raises ``CellError`` with
a reason a person can act on. Imports and the API share these, so a bad value is
refused with the same words wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model

MAX_TEXT_CHARS = 20_000
MAX_ID_CHARS = 100
MAX_AMOUNT = Decimal("999999999999.99")


# A cell a spreadsheet would evaluate as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A text cell a spreadsheet will show as text, never evaluate: a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def unneutralise(value: str) -> str:
    """The inverse of ``neutralise`` for a re-import of our own export."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class CellError(ValueError):
    """A value that cannot be accepted; the message says why."""


def required(value: str) -> str:
    value = value.strip()
    if not value:
        raise CellError("is required")
    return value


def identifier(value: str) -> str:
    value = required(value)
    if len(value) > MAX_ID_CHARS:
        raise CellError(f"is longer than {MAX_ID_CHARS} characters")
    if any(ch in value for ch in "/\\") or not value.isprintable():
        raise CellError("may not contain slashes or control characters")
    return value


def text(value: str, *, max_chars: int = MAX_TEXT_CHARS) -> str:
    if len(value) > max_chars:
        raise CellError(f"is {len(value)} characters long; the limit is {max_chars}")
    if "\x00" in value:
        raise CellError("contains a NUL character")
    return value


def short_text(value: str, *, max_chars: int) -> str:
    return text(value.strip(), max_chars=max_chars)


def choice(value: str, allowed: list[str]) -> str:
    value = value.strip()
    if value not in allowed:
        raise CellError(f"must be one of: {', '.join(allowed)}")
    return value


def integer(value: str, *, low: int, high: int) -> int:
    value = value.strip()
    try:
        number = int(value)
    except ValueError:
        try:
            as_float = float(value)
        except ValueError:
            raise CellError("is not a whole number") from None
        if not as_float.is_integer():
            raise CellError("is not a whole number") from None
        number = int(as_float)
    if not low <= number <= high:
        raise CellError(f"must be between {low} and {high}")
    return number


def amount(value: str) -> Decimal:
    value = value.strip().replace(",", "")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError("is not a number") from None
    if not number.is_finite():
        raise CellError("is not a finite number")
    if number < 0:
        raise CellError("must not be negative")
    if number > MAX_AMOUNT:
        raise CellError(f"is larger than {MAX_AMOUNT}")
    return number.quantize(Decimal("0.01"))


def boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "y", "t"}:
        return True
    if lowered in {"0", "false", "no", "n", "f"}:
        return False
    raise CellError("must be true or false (also yes/no, 1/0)")


def date(value: str) -> dt.date:
    value = value.strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return timestamp(value).date()
    except (ValueError, CellError):
        raise CellError("is not an ISO 8601 date (YYYY-MM-DD)") from None


def timestamp(value: str) -> dt.datetime:
    """ISO 8601; a date alone means midnight UTC, and a time without offset is UTC."""
    value = value.strip()
    try:
        if len(value) == 10:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC)
        else:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise CellError("is not an ISO 8601 date-time (e.g. 2026-03-01T14:30:00Z)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    if not 1970 <= parsed.year <= 2200:
        raise CellError("is outside the years 1970–2200")
    return parsed.astimezone(dt.UTC)


def username(value: str) -> str:
    value = value.strip()
    if not get_user_model().objects.filter(username=value).exists():
        raise CellError("is not an existing username")
    return value
