"""Pages of the assessments app: thin views over `access`, forms, `services` and `pages`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from partners import access
from partners.decorators import provider_required, role_required

from . import selectors, services, tasks
from .access import can_use_policy_lab
from .forms import AssessmentForm, BacktestForm, InvitationForm, PolicyForm
from .models import AssessmentInvitation, Backtest, ScoringPolicy, TrustAssessment
from .pages import policy_lab, portfolio
from .pages.progress import progress_context
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
    return redirect("partners:list")


@require_safe
@role_required(access.is_account_manager)
def my_engagements(request):
    context = my_engagements_context(user=request.user, params=request.GET)
    return render(request, "assessments/my_engagements.html", context)


@require_safe
@role_required(access.is_leadership)
def dashboard(request):
    context = portfolio.dashboard_context(user=request.user, params=request.GET)
    return render(request, "assessments/dashboard.html", context)


@require_safe
@role_required(access.is_leadership)
def dashboard_export(request):
    """The dashboard table with the same filters, every row (not only the page), as CSV."""
    lines = portfolio.csv_lines(user=request.user, params=request.GET)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"trustapp-portfolio-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@provider_required
def engagement_detail(request, pk):
    engagement = access.get_visible_engagement(request.user, pk)
    context = progress_context(request, engagement)
    return render(request, "assessments/engagement_detail.html", context)


def _submit_rating(request, form, **kwargs):
    """Validate and save a rating; errors land on the form. Returns the assessment or None."""
    if not form.is_valid():
        return None
    try:
        return services.assessment_submit(
            answers=form.answers(),
            recommend=form.cleaned_data["recommend"],
            comment=form.cleaned_data["comment"],
            **kwargs,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request, token):
    """The emailed rating form: no sign-in, single use, expires."""
    invitation = services.invitation_for_token(token)
    refusal = _refusal(invitation)
    if refusal:
        return render(
            request,
            "assessments/rate_refused.html",
            {"reason": refusal},
            status=410 if invitation else 404,
        )
    form = AssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _submit_rating(
        request,
        form,
        engagement=invitation.engagement,
        side=TrustAssessment.Side.CLIENT,
        invitation=invitation,
    ):
        return redirect("assessments:rate_thanks")
    context = {"form": form, "engagement": invitation.engagement, "rater": invitation.contact}
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
    engagements = (
        access.visible_engagements(request.user)
        .exclude(status="closed")
        .select_related("partner", "account_manager")
        .order_by("name")
    )
    return render(request, "assessments/rate_list.html", {"engagements": engagements})


@role_required(access.is_client)
def rate_engagement(request, pk):
    engagement = get_object_or_404(
        access.visible_engagements(request.user).exclude(status="closed"), pk=pk
    )
    contact = request.user.contact
    form = AssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _submit_rating(
        request,
        form,
        engagement=engagement,
        side=TrustAssessment.Side.CLIENT,
        rater_contact=contact,
        rater_user=request.user,
    ):
        messages.success(request, f"Thank you. Your rating of {engagement.name} was saved.")
        return redirect("assessments:rate_list")
    context = {"form": form, "engagement": engagement, "rater": contact}
    return render(request, "assessments/rate_form.html", context)


@login_required
def invitation_create(request, pk):
    engagement = access.get_changeable_engagement(request.user, pk)
    form = InvitationForm(request.POST if request.method == "POST" else None, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        try:
            for contact in form.cleaned_data["contacts"]:
                services.invitation_create(
                    engagement=engagement, contact=contact, created_by=request.user
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            names = ", ".join(c.name for c in form.cleaned_data["contacts"])
            messages.success(request, f"Rating link sent to {names}.")
            return redirect(engagement)
    open_invitations = (
        AssessmentInvitation.objects.filter(engagement=engagement, used_at__isnull=True)
        .select_related("contact")
        .order_by("-created_at")
    )
    context = {"form": form, "engagement": engagement, "open_invitations": open_invitations}
    return render(request, "assessments/invitation_form.html", context)


@login_required
def self_assessment(request, pk):
    engagement = access.get_changeable_engagement(request.user, pk)
    form = AssessmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _submit_rating(
        request,
        form,
        engagement=engagement,
        side=TrustAssessment.Side.PROVIDER,
        rater_user=request.user,
    ):
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
    response = StreamingHttpResponse(
        policy_lab.csv_lines(backtest), content_type="text/csv; charset=utf-8"
    )
    filename = f"trustapp-backtest-{backtest.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
