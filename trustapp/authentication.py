from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class StrictTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing malformed keys before they reach the database
    (DRF keys are 40 hexadecimal characters; a NUL byte would fail the query)."""

    def authenticate_credentials(self, key):
        if not (key.isascii() and key.isalnum()):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
