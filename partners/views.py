from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from . import access, services
from .decorators import provider_required
from .forms import (
    ContactForm,
    EngagementForm,
    EventDeleteForm,
    EventEditForm,
    EventForm,
    PartnerForm,
)


def _contacts_partner(request, slug):
    """The partner whose contacts the user may change: 404 when not visible, 403 otherwise."""
    partner = get_object_or_404(access.visible_partners(request.user), slug=slug)
    if not access.can_change_contacts(request.user, partner):
        raise PermissionDenied("Only people working for this partner may change its contacts.")
    return partner


def _save(form, service, **kwargs):
    """Run a service with the form's data; service errors land on the form. True on success."""
    if not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.cleaned_data) or True
    except ValidationError as error:
        form.add_error(None, error)
        return None


def _saved(request, message, to):
    """After a successful write: say so, and go to `to` (post/redirect/get)."""
    messages.success(request, message)
    return redirect(to)


def _update(form, service, **kwargs):
    """`_save` for the update services, which take the changed fields as `data`."""
    return _save(form, lambda **data: service(**kwargs, data=data))


@provider_required
def partner_create(request):
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and (partner := _save(form, services.partner_create)):
        return _saved(request, f"Partner “{partner.name}” created.", partner)
    return render(request, "partners/partner_form.html", {"form": form})


@provider_required
def partner_edit(request, slug):
    partner = access.get_visible_partner(request.user, slug)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and _update(form, services.partner_update, partner=partner):
        return _saved(request, "Partner saved.", partner)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


def _create_at_partner(request, slug, form_class, service, **form_kwargs):
    """(partner, form, what `service` created or None) for a page that adds a contact or an
    engagement to a partner the user may see."""
    partner = access.get_visible_partner(request.user, slug)
    form = form_class(request.POST or None, **form_kwargs)
    # The form validates the new object as this partner's.
    form.instance.partner = partner
    created = _save(form, service, partner=partner) if request.method == "POST" else None
    return partner, form, created


@provider_required
def contact_create(request, slug):
    partner, form, contact = _create_at_partner(request, slug, ContactForm, services.contact_create)
    if contact:
        return _saved(request, f"Contact “{contact.name}” added.", partner)
    return render(request, "partners/contact_form.html", {"form": form, "partner": partner})


@provider_required
def contact_edit(request, slug, pk):
    partner = _contacts_partner(request, slug)
    contact = get_object_or_404(partner.contacts, pk=pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and _update(form, services.contact_update, contact=contact):
        return _saved(request, "Contact saved.", partner)
    context = {"form": form, "partner": partner, "contact": contact}
    return render(request, "partners/contact_form.html", context)


@provider_required
def engagement_create(request, slug):
    partner, form, engagement = _create_at_partner(
        request,
        slug,
        EngagementForm,
        services.engagement_create,
        initial={"account_manager": request.user},
    )
    if engagement:
        return _saved(request, f"Engagement “{engagement.name}” created.", engagement)
    return render(request, "partners/engagement_form.html", {"form": form, "partner": partner})


@login_required
def engagement_edit(request, pk):
    engagement = access.get_changeable_engagement(request.user, pk)
    reassign = access.can_reassign_engagement(request.user, engagement)
    form = EngagementForm(request.POST or None, instance=engagement, reassign=reassign)
    if request.method == "POST" and _update(
        form, services.engagement_update, engagement=engagement, user=request.user
    ):
        return _saved(request, "Engagement saved.", engagement)
    context = {"form": form, "partner": engagement.partner, "engagement": engagement}
    return render(request, "partners/engagement_form.html", context)


@login_required
def event_create(request, pk):
    engagement = access.get_changeable_engagement(request.user, pk)
    form = EventForm(request.POST or None)
    if request.method == "POST" and (
        event := _save(form, services.event_log, engagement=engagement, logged_by=request.user)
    ):
        return _saved(
            request, f"Event “{event.title}” logged. The score will update shortly.", engagement
        )
    return render(request, "partners/event_form.html", {"form": form, "engagement": engagement})


@login_required
def event_edit(request, pk, event_pk):
    engagement = access.get_changeable_engagement(request.user, pk)
    event = get_object_or_404(engagement.events, pk=event_pk)
    form = EventEditForm(request.POST or None, instance=event)
    if request.method == "POST" and _save(form, _event_update, event=event):
        return _saved(request, "Event saved.", engagement)
    context = {"form": form, "engagement": engagement, "event": event}
    return render(request, "partners/event_form.html", context)


def _event_update(*, event, reason, **data):
    return services.event_update(event=event, data=data, reason=reason)


@login_required
def event_delete(request, pk, event_pk):
    engagement = access.get_changeable_engagement(request.user, pk)
    event = get_object_or_404(engagement.events, pk=event_pk)
    if not access.can_delete_event(request.user, event):
        raise PermissionDenied("Only the account manager or leadership may delete this event.")
    form = EventDeleteForm(request.POST or None)
    if request.method == "POST" and _save(
        form, services.event_delete, event=event, user=request.user
    ):
        messages.success(request, f"Event “{event.title}” deleted.")
        return redirect(engagement)
    context = {"form": form, "engagement": engagement, "event": event}
    return render(request, "partners/event_delete.html", context)
