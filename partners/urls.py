from django.urls import path

from . import views, views_import

app_name = "partners"

urlpatterns = [
    path("partners/new/", views.partner_create, name="create"),
    path("partners/<slug:slug>/edit/", views.partner_edit, name="edit"),
    path("partners/<slug:slug>/contacts/new/", views.contact_create, name="contact_create"),
    path("partners/<slug:slug>/contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path(
        "partners/<slug:slug>/engagements/new/",
        views.engagement_create,
        name="engagement_create",
    ),
    path("engagements/<int:pk>/edit/", views.engagement_edit, name="engagement_edit"),
    path("engagements/<int:pk>/events/new/", views.event_create, name="event_create"),
    path("engagements/<int:pk>/events/<int:event_pk>/edit/", views.event_edit, name="event_edit"),
    path(
        "engagements/<int:pk>/events/<int:event_pk>/delete/",
        views.event_delete,
        name="event_delete",
    ),
    path("engagements/<int:pk>/events/import/", views_import.events_import, name="event_import"),
    path(
        "engagements/<int:pk>/events/import/confirm/",
        views_import.events_import_confirm,
        name="event_import_confirm",
    ),
    path(
        "engagements/<int:pk>/events/import/template.csv",
        views_import.events_import_template,
        name="event_import_template",
    ),
    path("events/import/", views_import.events_import, name="events_import"),
    path(
        "events/import/confirm/",
        views_import.events_import_confirm,
        name="events_import_confirm",
    ),
    path(
        "events/import/template.csv",
        views_import.events_import_template,
        name="events_import_template",
    ),
]
