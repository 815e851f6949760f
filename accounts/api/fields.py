"""Serializer fields that validate through ``accounts.cells``, so the API refuses a bad
value with the same words as the CSV import (``'sms' must be one of: email, call, …``).

Each field also describes itself to the OpenAPI schema (``openapi_request`` /
``openapi_response``), through the one spectacular extension at the end of this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from accounts import cells
from accounts.cells import CellError

#: How much of a refused value an error message repeats.
SHOWN_CHARS = 60


def refusal(value: str, reason: str) -> str:
    """The API's wording of a cell error: the value (shortened) and the reason."""
    if not value.strip():
        return f"This field {reason}."
    shown = value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 3] + "..."
    return f"{shown!r} {reason}."


class CellField(serializers.Field):
    """A value parsed from its text form by a ``cells`` parser.

    JSON strings are parsed as they are; numbers only where ``accepts_numbers`` (their
    text form is parsed then); anything else (lists, objects, booleans) is refused.
    """

    accepts_numbers = False
    expected = "a string"

    def __init__(self, parse: Callable[[str], Any], **kwargs: Any) -> None:
        self.parse = parse
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not (
            isinstance(data, str) or (self.accepts_numbers and isinstance(data, int | float))
        ):
            raise serializers.ValidationError(
                f"This field must be {self.expected}, not {_json_type(data)}."
            )
        raw = str(data)
        if not raw.strip() and not self.required and self.allow_null:
            return None
        try:
            return self.parse(raw)
        except CellError as exc:
            raise serializers.ValidationError(refusal(raw, str(exc))) from None

    def to_representation(self, value: Any) -> Any:
        return value

    # --- schema -------------------------------------------------------------------
    def openapi_request(self) -> dict:
        return {"type": "string"}

    def openapi_response(self) -> dict:
        return self.openapi_request()


def _json_type(data: Any) -> str:
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "a boolean"
    if isinstance(data, int | float):
        return "a number"
    if isinstance(data, list):
        return "a list"
    if isinstance(data, dict):
        return "an object"
    return type(data).__name__


class TextCell(CellField):
    """Free text (NUL characters and over-long values refused)."""

    def __init__(self, *, max_chars: int = cells.MAX_TEXT_CHARS, strip: bool = False, **kw):
        self.max_chars = max_chars
        parse = (
            (lambda v: cells.short_text(v, max_chars=max_chars))
            if strip
            else (lambda v: cells.text(v, max_chars=max_chars))
        )
        super().__init__(parse, **kw)

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and not self.required:
            return ""
        return super().to_internal_value(data)

    def openapi_request(self) -> dict:
        return {"type": "string", "maxLength": self.max_chars}


class RequiredTextCell(TextCell):
    def __init__(self, *, max_chars: int, **kw: Any) -> None:
        super().__init__(max_chars=max_chars, strip=True, **kw)
        inner = self.parse
        self.parse = lambda v: inner(cells.required(v))

    def openapi_request(self) -> dict:
        return {"type": "string", "minLength": 1, "maxLength": self.max_chars}


class IdentifierCell(CellField):
    def __init__(self, **kw: Any) -> None:
        super().__init__(cells.identifier, **kw)

    def openapi_request(self) -> dict:
        return {"type": "string", "minLength": 1, "maxLength": cells.MAX_ID_CHARS}


class ChoiceCell(CellField):
    def __init__(self, choices: type[models.TextChoices], **kw: Any) -> None:
        self.values = list(choices.values)
        super().__init__(lambda v: cells.choice(v, self.values), **kw)

    def openapi_request(self) -> dict:
        return {"type": "string", "enum": self.values}


class IntegerCell(CellField):
    accepts_numbers = True
    expected = "a whole number"

    def __init__(self, *, low: int, high: int, **kw: Any) -> None:
        self.low, self.high = low, high
        super().__init__(lambda v: cells.integer(v, low=low, high=high), **kw)

    def openapi_request(self) -> dict:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


class AmountCell(CellField):
    accepts_numbers = True
    expected = "a number or a decimal string"

    def __init__(self, **kw: Any) -> None:
        super().__init__(cells.amount, **kw)

    def to_representation(self, value: Any) -> Any:
        return None if value is None else f"{Decimal(value):.2f}"

    def openapi_request(self) -> dict:
        return {
            "oneOf": [
                {"type": "number", "minimum": 0, "maximum": float(cells.MAX_AMOUNT)},
                {"type": "string", "pattern": r"^\d{1,12}(\.\d{1,2})?$"},
            ]
        }

    def openapi_response(self) -> dict:
        return {"type": "string", "format": "decimal", "pattern": r"^\d+\.\d{2}$"}


class BooleanCell(CellField):
    expected = "true or false"

    def __init__(self, **kw: Any) -> None:
        super().__init__(cells.boolean, **kw)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool):
            return data
        return super().to_internal_value(data)

    def openapi_request(self) -> dict:
        return {"type": "boolean"}


class DateCell(CellField):
    def __init__(self, **kw: Any) -> None:
        super().__init__(cells.date, **kw)

    def to_representation(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    def openapi_request(self) -> dict:
        return {"type": "string", "format": "date"}


class TimestampCell(CellField):
    """ISO 8601; a date alone means midnight UTC (as in the import). Rendered in UTC."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(cells.timestamp, **kw)

    def to_representation(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        return value

    def openapi_request(self) -> dict:
        return {"type": "string", "format": "date-time"}


class CellFieldSchema(OpenApiSerializerFieldExtension):
    target_class = CellField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return self.target.openapi_request()
        return self.target.openapi_response()
