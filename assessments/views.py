"""Pages of the assessments app: thin views over `access`, forms, `services` and `pages`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.client_ip import client_ip
from partners import access
from partners import selectors as partner_selectors
from partners import services as partner_services
from partners.decorators import provider_required, role_required

from . import selectors, services, tasks
from .access import can_use_policy_lab
from .forms import (
    AssessmentForm,
    BacktestForm,
    EventReviewForm,
    InvitationForm,
    PlanClientForm,
    PlanItemForm,
    PolicyForm,
)
from .models import Backtest, PlanItem, ScoringPolicy
from .pages import collaboration, organisation, policy_lab, portfolio
from .pages.changes import changes_page
from .pages.partner import partner_context
from .pages.progress import progress_context
from .pages.rating import rating_form_context
from .pages.worklist import my_engagements_context


@login_required
def home(request):
    """Send each role to the page it starts from."""
    user = request.user
    if access.is_client(user):
        return redirect("assessments:rate_list")
    if access.is_leadership(user):
        return redirect("assessments:dashboard")
    if access.is_account_manager(user):
        return redirect("assessments:my_engagements")
    return redirect("assessments:partner_list")


@require_safe
@provider_required
def partner_list(request):
    context = organisation.partner_list_context(user=request.user, params=request.GET)
    return render(request, "assessments/partner_list.html", context)


@require_safe
@provider_required
def partner_detail(request, slug):
    partner = get_object_or_404(access.visible_partners(request.user), slug=slug)
    return render(request, "assessments/partner_detail.html", partner_context(partner=partner))


@require_safe
@role_required(access.is_account_manager)
def my_engagements(request):
    context = my_engagements_context(user=request.user, params=request.GET)
    return render(request, "assessments/my_engagements.html", context)


def _csv_download(lines, filename):
    """Stream CSV lines as a file download named `filename`."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _leadership_read(view):
    """The dashboard's tables: read only (GET or HEAD), by leadership only."""
    return require_safe(role_required(access.is_leadership)(view))


@_leadership_read
def dashboard(request):
    context = portfolio.dashboard_context(user=request.user, params=request.GET)
    return render(request, "assessments/dashboard.html", context)


@_leadership_read
def dashboard_partners(request):
    context = organisation.dashboard_partners_context(user=request.user, params=request.GET)
    return render(request, "assessments/dashboard_partners.html", context)


def _dashboard_csv(read_model, request, table):
    """A dashboard table with the request's filters, every row (not only the page), as a
    CSV download named after the table and today."""
    lines = read_model.csv_lines(user=request.user, params=request.GET)
    return _csv_download(lines, f"trustapp-{table}-{timezone.localdate():%Y-%m-%d}.csv")


@_leadership_read
def dashboard_export(request):
    return _dashboard_csv(portfolio, request, "portfolio")


@_leadership_read
def dashboard_partners_export(request):
    return _dashboard_csv(organisation, request, "partners")


@require_safe
@provider_required
def engagement_detail(request, pk):
    engagement = access.get_visible_engagement(request.user, pk)
    context = progress_context(request, engagement)
    return render(request, "assessments/engagement_detail.html", context)


@require_safe
@provider_required
def engagement_changes(request, pk):
    engagement = access.get_visible_engagement(request.user, pk)
    page = changes_page(engagement=engagement, params=request.GET)
    context = {"engagement": engagement, "page": page}
    return render(request, "assessments/engagement_changes.html", context)


def _submit_rating(request, form, engagement, invitation=None):
    """Validate and save a rating; errors land on the form. Returns the assessment or None."""
    if not form.is_valid():
        return None
    try:
        return services.rating_submit(
            engagement=engagement,
            user=request.user,
            answers=form.answers(),
            recommend=form.cleaned_data.get("recommend"),
            comment=form.cleaned_data["comment"],
            invitation=invitation,
            barriers=form.cleaned_data.get("barriers", ()),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


RATING_SESSION_KEY = "rating_invitation"


def _link_refused(request, reason, status):
    return render(request, "assessments/rate_refused.html", {"reason": reason}, status=status)


@never_cache
@require_safe
def rate(request, token):
    """The emailed link: the first visit trades the token for this browser's session and
    redirects to a URL without it, so the token in an access log opens nothing."""
    address = client_ip(request)
    if services.rating_link_blocked(address=address):
        return _link_refused(request, "Too many invalid rating links. Try again later.", 429)
    invitation = selectors.invitation_for_token(token)
    if invitation is not None and request.session.get(RATING_SESSION_KEY) == invitation.pk:
        return redirect("assessments:rate_session")
    refusal = _refusal(invitation)
    if refusal is None:
        try:
            services.invitation_exchange(invitation=invitation)
        except ValidationError as error:
            refusal = " ".join(error.messages) + " Ask your account manager for a new link."
    if refusal:
        services.rating_link_refused(address=address)
        return _link_refused(request, refusal, 410 if invitation else 404)
    request.session.cycle_key()
    request.session[RATING_SESSION_KEY] = invitation.pk
    return redirect("assessments:rate_session")


@never_cache
@require_http_methods(["GET", "POST"])
def rate_session(request):
    """The rating form of the invitation this browser opened: single use, expires."""
    pk = request.session.get(RATING_SESSION_KEY)
    invitation = selectors.invitation_for_session(pk) if pk else None
    refusal = _refusal(invitation)
    if refusal:
        return _link_refused(request, refusal, 410 if invitation else 404)
    form = AssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _submit_rating(
        request, form, invitation.engagement, invitation=invitation
    ):
        request.session.pop(RATING_SESSION_KEY, None)
        return redirect("assessments:rate_thanks")
    context = rating_form_context(form=form, engagement=invitation.engagement)
    context["rater"] = invitation.contact
    return render(request, "assessments/rate_form.html", context)


def _refusal(invitation):
    if invitation is None:
        return "This link is not valid. Please use the link from your most recent email."
    try:
        invitation.refuse_use()
    except ValidationError as error:
        return " ".join(error.messages) + " Ask your account manager for a new one if needed."
    return None


@require_safe
def rate_thanks(request):
    return render(request, "assessments/rate_thanks.html")


@require_safe
@role_required(access.is_client)
def rate_list(request):
    """The client's home, "Our collaboration"; the emailed link alone never opens it."""
    context = collaboration.collaboration_context(user=request.user)
    return render(request, "assessments/rate_list.html", context)


def _collaboration_anchor(engagement_id):
    return reverse("assessments:rate_list") + f"#engagement-{engagement_id}"


@require_POST
@role_required(access.is_client)
def event_review(request, pk):
    event = get_object_or_404(partner_selectors.reviewable_events(request.user), pk=pk)
    form = EventReviewForm(request.POST, prefix=f"event-{pk}", event=event)
    if form.is_valid():
        partner_services.event_review(
            event=event,
            contact=request.user.contact,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
        )
        verb = "confirmed" if form.cleaned_data["status"] == "confirmed" else "disputed"
        messages.success(request, f"You {verb} “{event.title}”.")
    else:
        messages.error(request, f"“{event.title}”: {' '.join(_errors(form))}")
    return redirect(_collaboration_anchor(event.engagement_id))


def _errors(form):
    return [error for errors in form.errors.values() for error in errors]


@require_POST
@role_required(access.is_client)
def plan_item_client_update(request, pk):
    item = get_object_or_404(collaboration.client_plan_items(request.user), pk=pk)
    form = PlanClientForm(request.POST, prefix=f"plan-{pk}", item=item)
    try:
        if not form.is_valid():
            raise ValidationError(_errors(form))
        services.plan_item_client_update(
            item=item,
            contact=request.user.contact,
            done=form.cleaned_data.get("done", False),
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, f"“{item.title}”: {' '.join(error.messages)}")
    else:
        messages.success(request, f"Plan item “{item.title}” updated.")
    return redirect(_collaboration_anchor(item.engagement_id))


@login_required
def plan_item_create(request, pk):
    """Adopt a suggestion (its fields arrive in the query string) or add a plan item."""
    engagement = access.get_changeable_engagement(request.user, pk)
    initial = {k: request.GET[k] for k in ("title", "dimension", "owner_side") if k in request.GET}
    form = PlanItemForm(request.POST or None, initial=initial, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        services.plan_item_create(
            engagement=engagement, created_by=request.user, **form.cleaned_data
        )
        messages.success(request, f"“{form.cleaned_data['title']}” is on the plan.")
        return redirect(engagement.get_absolute_url() + "#plan-h")
    context = {"form": form, "engagement": engagement}
    return render(request, "assessments/plan_item_form.html", context)


@login_required
def plan_item_edit(request, pk, item_pk):
    """Edit, complete or drop a plan item."""
    engagement = access.get_changeable_engagement(request.user, pk)
    item = get_object_or_404(PlanItem.objects.filter(engagement=engagement), pk=item_pk)
    form = PlanItemForm(request.POST or None, instance=item, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        services.plan_item_update(item=item, data=form.cleaned_data)
        messages.success(request, f"Plan item “{item.title}” saved.")
        return redirect(engagement.get_absolute_url() + "#plan-h")
    context = {"form": form, "engagement": engagement, "item": item}
    return render(request, "assessments/plan_item_form.html", context)


@role_required(access.is_client)
def rate_engagement(request, pk):
    engagement = get_object_or_404(selectors.rateable_engagements(request.user), pk=pk)
    form = AssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _submit_rating(request, form, engagement):
        messages.success(request, f"Thank you. Your rating of {engagement.name} was saved.")
        return redirect("assessments:rate_list")
    context = rating_form_context(form=form, engagement=engagement)
    context["rater"] = request.user.contact
    return render(request, "assessments/rate_form.html", context)


@login_required
def invitation_create(request, pk):
    engagement = access.get_changeable_engagement(request.user, pk)
    form = InvitationForm(request.POST if request.method == "POST" else None, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        try:
            created, reminded = services.invitations_create(
                engagement=engagement,
                contacts=list(form.cleaned_data["contacts"]),
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            for message in invitation_messages(created=created, reminded=reminded):
                messages.success(request, message)
            return redirect("assessments:invitation_create", engagement.pk)
    context = {
        "form": form,
        "engagement": engagement,
        "statuses": selectors.invitation_statuses(engagement=engagement),
    }
    return render(request, "assessments/invitation_form.html", context)


def invitation_messages(*, created, reminded):
    names = ", ".join
    if created:
        yield f"Rating link sent to {names(i.contact.name for i in created)}."
    if reminded:
        yield (
            f"{names(i.contact.name for i in reminded)} already had an open invitation: "
            "we sent a reminder instead of a second invitation."
        )


def _invitation_action(request, pk, invitation_pk, action, done):
    engagement = access.get_changeable_engagement(request.user, pk)
    invitation = get_object_or_404(
        engagement.invitations.select_related("contact"), pk=invitation_pk
    )
    try:
        action(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(name=invitation.contact.name))
    return redirect("assessments:invitation_create", engagement.pk)


@require_POST
@login_required
def invitation_remind(request, pk, invitation_pk):
    return _invitation_action(
        request, pk, invitation_pk, services.invitation_remind, "Reminder sent to {name}."
    )


@require_POST
@login_required
def invitation_revoke(request, pk, invitation_pk):
    return _invitation_action(
        request,
        pk,
        invitation_pk,
        services.invitation_revoke,
        "The invitation of {name} was withdrawn; its link no longer works.",
    )


@login_required
def self_assessment(request, pk):
    engagement = access.get_changeable_engagement(request.user, pk)
    form = AssessmentForm(request.POST if request.method == "POST" else None, self_assessment=True)
    if request.method == "POST" and _submit_rating(request, form, engagement):
        messages.success(request, "Self-assessment saved. Compare it with the client's view below.")
        return redirect(engagement)
    context = {"form": form, "engagement": engagement, "self_assessment": True}
    return render(request, "assessments/rate_form.html", context)


policy_lab_required = role_required(can_use_policy_lab)
BACKTEST_REFRESH_SECONDS = 2


@require_safe
@policy_lab_required
def policy_list(request):
    return render(request, "assessments/policy_list.html", policy_lab.policy_list_context())


@require_http_methods(["GET", "POST"])
@policy_lab_required
def policy_create(request):
    """A draft that starts from the active policy's parameters."""
    active = selectors.active_policy()
    form = PolicyForm(
        request.POST if request.method == "POST" else None,
        instance=ScoringPolicy(**active.params().__dict__),
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_draft_create(values=form.parameters(), created_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Draft version {policy.version} saved. Back-test it below.")
            return redirect("assessments:policy_detail", policy.version)
    return render(request, "assessments/policy_form.html", {"form": form, "active": active})


def _policy_detail(request, policy, backtest_form):
    context = policy_lab.policy_detail_context(policy, selectors.active_policy())
    return render(
        request, "assessments/policy_detail.html", {**context, "backtest_form": backtest_form}
    )


@require_safe
@policy_lab_required
def policy_detail(request, version):
    policy = get_object_or_404(ScoringPolicy, version=version)
    return _policy_detail(request, policy, BacktestForm.for_last_year())


@require_http_methods(["POST"])
@policy_lab_required
def backtest_create(request, version):
    policy = get_object_or_404(ScoringPolicy, version=version)
    form = BacktestForm(request.POST)
    if not form.is_valid():
        return _policy_detail(request, policy, form)
    with transaction.atomic():
        backtest = services.backtest_create(
            policy=policy, created_by=request.user, **form.cleaned_data
        )
        transaction.on_commit(lambda: services.enqueue(tasks.run_backtest, backtest.pk))
    return redirect("assessments:backtest_detail", backtest.pk)


@require_http_methods(["GET", "POST"])
@policy_lab_required
def policy_activate(request, version):
    """GET asks for confirmation; POST makes the policy the active one and recomputes."""
    policy = get_object_or_404(ScoringPolicy, version=version)
    if request.method == "POST":
        with transaction.atomic():
            services.policy_activate(policy=policy, activated_by=request.user)
            transaction.on_commit(lambda: services.enqueue(tasks.recompute_all))
        messages.success(
            request,
            f"Version {policy.version} is now the active policy. Every engagement is being "
            "recomputed; earlier snapshots keep the version that scored them.",
        )
        return redirect("assessments:policy_list")
    context = policy_lab.policy_detail_context(policy, selectors.active_policy())
    return render(request, "assessments/policy_activate.html", context)


@require_safe
@policy_lab_required
def backtest_detail(request, pk):
    backtest = get_object_or_404(Backtest.objects.select_related("policy", "active_policy"), pk=pk)
    response = render(
        request, "assessments/backtest_detail.html", policy_lab.backtest_context(backtest)
    )
    if not backtest.is_finished:
        # The Refresh header reloads the page while the run lasts, without any script.
        response["Refresh"] = str(BACKTEST_REFRESH_SECONDS)
    return response


@require_safe
@policy_lab_required
def backtest_export(request, pk):
    backtest = get_object_or_404(Backtest, pk=pk, status=Backtest.Status.DONE)
    return _csv_download(policy_lab.csv_lines(backtest), f"trustapp-backtest-{backtest.pk}.csv")
