"""Errors that services raise and the API answers (`trustapp.api.exception_handler`)."""

from django.core.exceptions import ValidationError


class RowErrors(ValidationError):
    """An all-or-nothing bulk write refused: `rows` maps a row's position to its error."""

    def __init__(self, rows):
        self.rows = rows
        super().__init__(f"{len(rows)} row(s) have errors; nothing was saved.")
