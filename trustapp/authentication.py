from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class StrictTokenAuthentication(TokenAuthentication):
    """Knox token authentication (digests only), refusing malformed tokens before they reach
    the database: knox tokens are 64 hexadecimal characters, and a NUL byte would fail the
    query. First in DEFAULT_AUTHENTICATION_CLASSES, so that its `WWW-Authenticate: Token`
    header turns a missing or invalid token into a 401."""

    def authenticate_credentials(self, token):
        if not (token.isascii() and token.isalnum()):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token):
        # Knox also deletes the user's other expired tokens here, one more query on every
        # request; an expired token is refused, and deleted, when it is used, as this one.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class StrictTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token to the OpenAPI schema: `Authorization: Token <token>`."""

    target_class = StrictTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
