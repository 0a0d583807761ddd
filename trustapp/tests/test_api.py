"""The API's one error path: exceptions from services and `access` become DRF responses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.errors import RowErrors
from trustapp.api import exception_handler


def answer(exc):
    response = exception_handler(exc, context={})
    return response.status_code, response.data


def test_a_validation_error_on_fields_is_a_400_by_field():
    error = ValidationError({"title": ["This field cannot be blank."], "__all__": ["Closed."]})
    assert answer(error) == (
        400,
        {"title": ["This field cannot be blank."], "non_field_errors": ["Closed."]},
    )


def test_a_validation_error_without_fields_is_a_non_field_error():
    assert answer(ValidationError("This engagement is closed.")) == (
        400,
        {"non_field_errors": ["This engagement is closed."]},
    )


def test_row_errors_name_each_refused_row():
    error = RowErrors({3: ValidationError({"occurred_on": ["In the future."]})})
    assert answer(error) == (400, {"rows": {"3": {"occurred_on": ["In the future."]}}})


def test_a_permission_denied_keeps_its_message():
    assert answer(PermissionDenied("You may not change this engagement.")) == (
        403,
        {"detail": "You may not change this engagement."},
    )


@pytest.mark.parametrize(
    ("exc", "status"), [(PermissionDenied(), 403), (Http404(), 404), (KeyError("x"), None)]
)
def test_everything_else_is_drfs_own_answer(exc, status):
    response = exception_handler(exc, context={})
    assert (response.status_code if response else None) == status
