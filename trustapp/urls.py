from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import errors, health, metrics

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("", include("accounts.urls")),
    path("", include("trustapp.api_urls")),
    path("", include("partners.urls")),
    path("", include("assessments.urls")),
]

handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
