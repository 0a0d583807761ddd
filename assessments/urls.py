from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.home, name="home"),
    path("engagements/mine/", views.my_engagements, name="my_engagements"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_export, name="dashboard_export"),
    path("dashboard/partners/", views.dashboard_partners, name="dashboard_partners"),
    path(
        "dashboard/partners/export.csv",
        views.dashboard_partners_export,
        name="dashboard_partners_export",
    ),
    path("partners/", views.partner_list, name="partner_list"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement_detail"),
    path("partners/<slug:slug>/", views.partner_detail, name="partner_detail"),
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
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/new/", views.policy_create, name="policy_create"),
    path("policies/<int:version>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:version>/activate/", views.policy_activate, name="policy_activate"),
    path("policies/<int:version>/backtests/", views.backtest_create, name="backtest_create"),
    path("backtests/<int:pk>/", views.backtest_detail, name="backtest_detail"),
    path("backtests/<int:pk>/results.csv", views.backtest_export, name="backtest_export"),
    path("rate/", views.rate_list, name="rate_list"),
    path("rate/thanks/", views.rate_thanks, name="rate_thanks"),
    path("rate/engagements/<int:pk>/", views.rate_engagement, name="rate_engagement"),
    path("rate/events/<int:pk>/review/", views.event_review, name="event_review"),
    path("rate/plan/<int:pk>/", views.plan_item_client_update, name="plan_item_client_update"),
    path("rate/link/", views.rate_session, name="rate_session"),
    path("rate/<str:token>/", views.rate, name="rate"),
]
