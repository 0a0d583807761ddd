"""API tokens: the page where a user creates, names, lists and revokes theirs, and the same
for scripts at /api/v1/token/.

Tokens are django-rest-knox tokens (`accounts.ApiToken`): the database keeps a SHA-512
digest, never the token, so a new token can be shown only once, in the response to the form
that made it (not through the session, which the database stores too). Each token expires
after API_TOKEN_DAYS (90). A password change revokes every token of the user.
"""

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema
from knox.settings import knox_settings
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .forms import ApiTokenForm
from .models import ApiToken, RetiredApiToken
from .two_factor import two_factor_needed

DEFAULT_NAME = "API token"


@transaction.atomic
def api_token_create(*, user, name=DEFAULT_NAME):
    """A new named token for `user`; returns (token, raw key). The raw key exists only here."""
    token, key = ApiToken.objects.create(user=user, name=name)
    RetiredApiToken.objects.filter(user=user).delete()
    return token, key


def api_token_revoke(*, user, digest):
    """Revokes one of `user`'s tokens; False when they have no such token."""
    deleted, _ = ApiToken.objects.filter(user=user, digest=digest).delete()
    return deleted > 0


def api_tokens_revoke_all(*, user):
    ApiToken.objects.filter(user=user).delete()


def _page(request, *, form, new_key=None, status=200):
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": ApiToken.objects.filter(user=request.user),
        "retired": RetiredApiToken.objects.filter(user=request.user).first(),
        "ttl_days": knox_settings.TOKEN_TTL.days,
    }
    return render(request, "registration/api_token.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def api_token(request):
    if request.method == "GET":
        return _page(request, form=ApiTokenForm())
    if request.POST.get("action") == "revoke":
        if api_token_revoke(user=request.user, digest=request.POST.get("token", "")):
            messages.success(request, "The API token was revoked; it no longer works.")
        return redirect("api_token")
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form)
    _, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
    return _page(request, form=ApiTokenForm(), new_key=key)


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, write_only=True)
    name = serializers.CharField(
        max_length=100, required=False, default=DEFAULT_NAME, help_text="Shown on the token page."
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token …`. Shown once.")
    name = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(help_text="The token stops working after this.")


class PasswordGuessThrottle(AnonRateThrottle):
    """Slows down password guessing, per client address, whoever is signed in."""

    scope = "token"
    rate = "10/minute"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiTokenView(APIView):
    @extend_schema(
        summary="Create an API token with a username and password",
        description=(
            "Adds a named token that expires after 90 days (API_TOKEN_DAYS). At most 10 "
            "attempts a minute. Accounts with two-factor sign-in create tokens on the "
            "API token page instead."
        ),
        request=CredentialsSerializer,
        responses={201: TokenSerializer},
        auth=[],
    )
    def post(self, request):
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        name = credentials.validated_data.pop("name")
        user = authenticate(request, **credentials.validated_data)
        if user is None:
            raise ValidationError({"non_field_errors": ["Wrong username or password."]})
        if two_factor_needed(user):
            raise ValidationError(
                {
                    "non_field_errors": [
                        "This account signs in with two factors: create API tokens on the "
                        "API token page."
                    ]
                }
            )
        token, key = api_token_create(user=user, name=name)
        body = {"token": key, "name": token.name, "created": token.created, "expiry": token.expiry}
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke the API token in use", responses={204: None})
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            request.auth.delete()
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
