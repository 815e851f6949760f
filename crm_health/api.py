"""API-wide wiring: the exception handler that keeps every error a named 4xx, and the
schema class that documents those errors on every operation."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # Model-level validation and database constraints surface as 400s naming the
    # field, instead of 500s, when a check slips past a serializer.
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError(
            detail={"non_field_errors": ["This change conflicts with an existing record."]}
        )
    return drf_exception_handler(exc, context)


# --- the OpenAPI schema ------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """A refusal that is not about one field (401, 403, 404, 405, 429)."""

    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Each refused field (or query parameter) maps to the reasons; "
    "non_field_errors holds the rest.",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": True},
            {"type": "string"},
        ]
    },
}

STANDARD_ERRORS = {
    "400": OpenApiResponse(VALIDATION_ERROR_SCHEMA, description="Invalid input, by field."),
    "401": OpenApiResponse(ErrorSerializer, description="Not logged in."),
    "403": OpenApiResponse(
        ErrorSerializer, description="Logged in without a role, or the role may not do this."
    ),
    "404": OpenApiResponse(
        ErrorSerializer, description="No such object that you may see (or a page past the end)."
    ),
    "429": OpenApiResponse(ErrorSerializer, description="Too many requests; retry later."),
}


class AutoSchema(SpectacularAutoSchema):
    """Every operation documents the refusals every endpoint can give: 400 (bad input
    or query), 401, 403, 404 and 429, all JSON — unless the view declared its own."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        public = self.get_auth() == []
        for code, response in STANDARD_ERRORS.items():
            if code in responses or (public and code in ("401", "404")):
                continue
            responses[code] = self._get_response_for_code(
                response, code, ["application/json"], direction
            )
        return responses


@csrf_exempt  # a refusal for any method, never a CSRF page
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any ``/api/`` path no endpoint matches (e.g. ``alerts/abc/`` where an id is a
    number): a JSON 404 like every other API refusal, not the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)
