from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.home, name="home"),
    path("engagements/mine/", views.my_engagements, name="my_engagements"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_export, name="dashboard_export"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement_detail"),
    path("engagements/<int:pk>/changes/", views.engagement_changes, name="engagement_changes"),
    path(
        "engagements/<int:pk>/invitations/new/",
        views.invitation_create,
        name="invitation_create",
    ),
    path(
        "engagements/<int:pk>/invitations/<int:invitation_pk>/remind/",
        views.invitation_remind,
        name="invitation_remind",
    ),
    path(
        "engagements/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("engagements/<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("engagements/<int:pk>/plan/new/", views.plan_item_create, name="plan_item_create"),
    path(
        "engagements/<int:pk>/plan/<int:item_pk>/edit/",
        views.plan_item_edit,
        name="plan_item_edit",
    ),
    path("rate/", views.rate_list, name="rate_list"),
    path("rate/thanks/", views.rate_thanks, name="rate_thanks"),
    path("rate/engagements/<int:pk>/", views.rate_engagement, name="rate_engagement"),
    path("rate/events/<int:pk>/review/", views.event_review, name="event_review"),
    path("rate/plan/<int:pk>/", views.plan_item_client_update, name="plan_item_client_update"),
    path("rate/link/", views.rate_session, name="rate_session"),
    path("rate/<str:token>/", views.rate, name="rate"),
]
