from django.urls import path

from . import api_tokens, views

urlpatterns = [
    path(
        "accounts/password-reset/",
        views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/api-token/", api_tokens.api_token, name="api_token"),
]
