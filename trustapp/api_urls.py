"""The REST API under /api/v1/ and its OpenAPI description and docs."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from accounts import api_tokens
from assessments import api as assessments_api
from partners import api as partners_api

router = SimpleRouter()
router.register("partners", assessments_api.PartnerViewSet, basename="partner")
router.register("contacts", partners_api.ContactViewSet, basename="contact")
router.register("engagements", assessments_api.EngagementViewSet, basename="engagement")
router.register("events", partners_api.EventViewSet, basename="event")
router.register("assessments", assessments_api.AssessmentViewSet, basename="assessment")
router.register("invitations", assessments_api.InvitationViewSet, basename="invitation")
router.register("level-changes", assessments_api.LevelChangeViewSet, basename="level-change")
router.register("plan-items", assessments_api.PlanItemViewSet, basename="plan-item")

v1 = [
    *router.urls,
    path(
        "engagements/<int:engagement_id>/snapshots/",
        assessments_api.SnapshotList.as_view(),
        name="engagement-snapshots",
    ),
    path("token/", api_tokens.ApiTokenView.as_view(), name="token"),
    path(
        "engagements/<int:engagement_id>/explanation/",
        assessments_api.ExplanationView.as_view(),
        name="engagement-explanation",
    ),
]

urlpatterns = [
    path("api/v1/", include((v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Both documentation pages load their scripts from drf-spectacular-sidecar's static
    # files (no CDN) and run no inline script. Swagger UI works under the strict CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="api/swagger.html"
        ),
        name="api_docs",
    ),
    # Redoc's bundle renders with styled-components, which inserts <style> elements at run
    # time and cannot be handed a nonce from outside the bundle: without inline styles the
    # page stays blank. Its search index runs in a Web Worker made from a blob: URL. This one
    # view may apply inline styles and start that worker; its page scripts stay 'self' only.
    path(
        "api/redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="api_schema", template_name="api/redoc.html")
        ),
        name="api_redoc",
    ),
]
