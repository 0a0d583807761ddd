"""What every API endpoint shares: service errors answered as 400s, and error bodies described.

Services raise Django's ValidationError; `exception_handler` (REST_FRAMEWORK's
EXCEPTION_HANDLER) turns it into DRF's standard 400 body in this one place, so views call
services without try/except. `ErrorsSchema` (the default schema class) adds the error
responses each operation can give to the OpenAPI description.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import RowErrors


def field_errors(error):
    """A Django ValidationError as DRF's body: {field: [messages]}, or non_field_errors."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }


def service_error_detail(error):
    if isinstance(error, RowErrors):
        rows = sorted(error.rows.items())
        return {"rows": {str(position): field_errors(row) for position, row in rows}}
    return field_errors(error)


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Field name → list of messages; `non_field_errors` holds messages about the request "
        "as a whole. Bulk writes report `rows`: row position (from 0) → field → messages."
    ),
    "additionalProperties": {},
}

ERROR_RESPONSES = {
    "400": OpenApiResponse(VALIDATION_ERROR_SCHEMA, description="The request is invalid."),
    "401": OpenApiResponse(
        ErrorDetailSerializer,
        description="No token or session, or an invalid or expired token.",
    ),
    "403": OpenApiResponse(
        ErrorDetailSerializer,
        description="The user may not do this (for example change an engagement they do not "
        "manage).",
    ),
    "404": OpenApiResponse(
        ErrorDetailSerializer,
        description="No such object among those the user may see, or no such page.",
    ),
    "429": OpenApiResponse(ErrorDetailSerializer, description="Too many requests; retry later."),
}


class ErrorsSchema(AutoSchema):
    """Describes the error responses next to the success response of every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # A DELETE may need input too (an event's deletion asks for a reason).
        takes_input = (
            self.method in ("POST", "PUT", "PATCH", "DELETE") or self._get_filter_parameters()
        )
        for code, response in ERROR_RESPONSES.items():
            if code == "400" and not (takes_input or self._is_list_view()):
                continue
            responses.setdefault(code, self._get_response_for_code(response, code))
        return responses


def exception_handler(exc, context):
    """DRF's handler, with Django ValidationErrors from services answered as 400s and the
    message of a Django PermissionDenied (from `access` or a service) kept in its 403."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(service_error_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied) and exc.args:
        exc = PermissionDenied(exc.args[0])
    return drf_exception_handler(exc, context)
