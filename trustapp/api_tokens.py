"""API tokens: the page where a user creates, replaces and revokes theirs, and the same for
scripts at /api/v1/token/.

DRF's token model keeps one token per user. The page shows a new token once, right after it
was made (it travels to that one page view through the session); later views only say that
a token exists and when it was made. Creating a token always replaces the previous one.
"""

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

NEW_TOKEN_SESSION_KEY = "api_token_new"


@transaction.atomic
def api_token_create(*, user) -> Token:
    """A new token for `user`; the previous one, if any, stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user):
    Token.objects.filter(user=user).delete()


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def api_token(request):
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            api_token_revoke(user=request.user)
            messages.success(request, "Your API token was revoked; it no longer works.")
        else:
            token = api_token_create(user=request.user)
            request.session[NEW_TOKEN_SESSION_KEY] = token.key
        return redirect("api_token")
    token = Token.objects.filter(user=request.user).first()
    new_key = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    context = {"token": token, "new_key": new_key if token and token.key == new_key else None}
    return render(request, "registration/api_token.html", context)


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key", help_text="Send as `Authorization: Token …`.")
    created = serializers.DateTimeField()


class PasswordGuessThrottle(AnonRateThrottle):
    """Slows down password guessing, per client address, whoever is signed in."""

    scope = "token"
    rate = "10/minute"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiTokenView(APIView):
    @extend_schema(
        summary="Create an API token with a username and password",
        description="Replaces the user's previous token. At most 10 attempts a minute.",
        request=CredentialsSerializer,
        responses={201: TokenSerializer},
        auth=[],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request, **credentials.validated_data)
        if user is None:
            raise ValidationError({"non_field_errors": ["Wrong username or password."]})
        token = api_token_create(user=user)
        return Response(TokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke the API token in use", responses={204: None})
    def delete(self, request):
        api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _signs_in(self):
        return getattr(self.request, "method", None) == "POST"

    def get_permissions(self):
        if self._signs_in():
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_authenticators(self):
        # Signing in with a password needs no session (and so no CSRF token).
        if self._signs_in():
            return []
        return super().get_authenticators()

    def get_throttles(self):
        if self._signs_in():
            return [PasswordGuessThrottle()]
        return super().get_throttles()
