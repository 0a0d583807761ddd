import datetime as dt
from dataclasses import fields as dataclass_fields

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from partners.choices import Dimension
from partners.forms import UserChoiceField
from partners.models import Contact, Engagement, Level, display_name
from partners.selectors import industries

from .engine.scoring import ANSWER_ITEMS, EVIDENCE_DIMENSIONS, PolicyParams
from .models import (
    BARRIER_QUESTION,
    RECOMMEND_QUESTION,
    STATEMENTS,
    PlanItem,
    ScoringPolicy,
    TrustBarrier,
)
from .pages import drilldown

# Every parameter of the scoring rule with its meaning, from DESIGN.md ("The scoring rule").
POLICY_PARAMETERS = {
    "window_days": (
        "Window (days)",
        "Events and client ratings count while younger than this many days.",
    ),
    "event_half_life_days": (
        "Event half-life (days)",
        "An event's points halve every this many days.",
    ),
    "rating_half_life_days": (
        "Rating half-life (days)",
        "A client rating's weight halves every this many days.",
    ),
    "event_saturation": (
        "Event saturation",
        "Points at which event evidence reaches 63 of 100; evidence approaches 100 beyond it.",
    ),
    "rating_weight": (
        "Rating weight",
        "Share of the client's ratings in each dimension (0-1); events make up the rest. "
        "Without a client rating a dimension gets only the events' share.",
    ),
    "weight_delivery": ("Weight of delivery", "Share of delivery in the overall score."),
    "weight_technical": ("Weight of technical", "Share of technical in the overall score."),
    "weight_domain": ("Weight of domain", "Share of domain in the overall score."),
    "weight_partnership": (
        "Weight of partnership",
        "Share of partnership in the overall score.",
    ),
    "weight_trust": ("Weight of trust", "Share of trust in the overall score."),
    "threshold": (
        "Threshold",
        "Score (0-100) each dimension of a rung's gates must reach to win that rung.",
    ),
    "trust_threshold": (
        "Trust threshold",
        "Trust score (0-100) that trusted advisor needs.",
    ),
    "min_raters_advisor": (
        "Raters for trusted advisor",
        "Distinct client raters in the window that trusted advisor needs.",
    ),
    "demotion_band": (
        "Demotion band",
        "A rung once won is kept until a gate drops this far below its threshold.",
    ),
    "disputed_event_weight": (
        "Weight of a disputed event",
        "A client-disputed event's points are multiplied by this (0 ignores it, 1 counts it).",
    ),
}


def policy_parameter_names():
    """The parameters of the rule, in `PolicyParams` order."""
    return [field.name for field in dataclass_fields(PolicyParams)]


LIKERT_CHOICES = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neutral"),
    (4, "Agree"),
    (5, "Strongly agree"),
]
RECOMMEND_CHOICES = [(n, str(n)) for n in range(11)]
# The self-assessment asks the same seven things in the provider's own voice.
SELF_STATEMENTS = {
    "credibility": "We know what we are talking about, and the client believes what we tell them.",
    "reliability": "We do what we say we will do, when we say we will.",
    "intimacy": "The client can raise sensitive concerns with us openly.",
    "self_orientation": "We put our own interests ahead of the client's.",
    "technical": "We have the technical skills to take full care of the client's product.",
    "domain": "We understand the client's business domain, their users and their competitors.",
    "advice": (
        "The client asks us for advice on business and technology decisions, not only for tasks."
    ),
}
# Self-orientation is the S of the trust equation: agreeing lowers trust. Raters who agree
# with every statement should not be surprised by it.
SELF_ORIENTATION_HELP = {
    False: "This one is about their interests, not yours: agree only if they put themselves first.",
    True: "This one is about our interests, not the client's: agree only if we put ourselves "
    "first.",
}


class AssessmentForm(forms.Form):
    """The questionnaire: seven statements rated 1-5, recommend 0-10, and a comment.

    With ``self_assessment`` the statements speak as the provider and there is no
    recommend or barriers question.
    """

    recommend = forms.TypedChoiceField(
        label=RECOMMEND_QUESTION,
        choices=RECOMMEND_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text="0 = not at all likely, 10 = extremely likely. Optional.",
    )
    comment = forms.CharField(
        label="Anything you would like to tell us?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    barriers = forms.MultipleChoiceField(
        label=BARRIER_QUESTION,
        choices=TrustBarrier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Optional. Choose any that apply; it does not change the score.",
    )

    def __init__(self, *args, self_assessment=False, **kwargs):
        super().__init__(*args, **kwargs)
        statements = SELF_STATEMENTS if self_assessment else STATEMENTS
        likert = {
            item: forms.TypedChoiceField(
                label=statements[item],
                choices=LIKERT_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose how much you agree with this statement."},
            )
            for item in ANSWER_ITEMS
        }
        likert["self_orientation"].help_text = SELF_ORIENTATION_HELP[self_assessment]
        if self_assessment:  # recommend and the barriers are the client's questions
            del self.fields["recommend"]
            del self.fields["barriers"]
        self.fields = {**likert, **self.fields}

    def error_links(self):
        """[(anchor or None, message)] for the summary at the top of the form."""
        links = [(None, message) for message in self.non_field_errors()]
        for number, name in enumerate(self.fields, start=1):
            if self[name].errors:
                label = f"Statement {number}" if name in ANSWER_ITEMS else self.fields[name].label
                links.append((f"q-{name}", f"{label}: {self[name].errors[0]}"))
        return links

    def likert_fields(self):
        return [self[item] for item in ANSWER_ITEMS]

    def answers(self):
        return {item: self.cleaned_data[item] for item in ANSWER_ITEMS}


class InvitationForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        label="Who should rate this engagement?",
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one contact."},
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = engagement.partner.contacts.order_by(
            "-is_product_owner", "name"
        )
        self.fields["contacts"].label_from_instance = lambda c: (
            f"{c.name} — {c.title or 'no title'} ({c.email})"
            + (" · product owner" if c.is_product_owner else "")
        )


# What the progress page's timeline can show besides one dimension's events.
RATINGS, LEVELS = "ratings", "levels"


class TimelineFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Everything"),
            *[(name, f"{Dimension(name).label} events") for name in EVIDENCE_DIMENSIONS],
            (RATINGS, "Ratings"),
            (LEVELS, "Level changes"),
        ],
    )

    def choice(self):
        return self.cleaned_data.get("show", "") if self.is_valid() else ""


class PortfolioFilterForm(forms.Form):
    """Dashboard filters; every field is optional and they combine (AND)."""

    manager = UserChoiceField(
        label="Account manager",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="All account managers",
    )
    industry = forms.ChoiceField(label="Industry", required=False)
    rung = forms.TypedChoiceField(
        label="Rung",
        choices=[("", "All rungs"), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "All statuses"), *Engagement.Status.choices],
        required=False,
    )
    attention = forms.ChoiceField(
        label="Needs attention",
        choices=[("", "Everything"), *drilldown.ATTENTION.items()],
        required=False,
    )
    sort = forms.ChoiceField(label="Sort by", choices=drilldown.sort_choices(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = (
            get_user_model()
            .objects.filter(pk__in=Engagement.objects.values("account_manager"))
            .order_by("first_name", "last_name", "username")
        )
        self.fields["industry"].choices = [("", "All industries")] + [
            (name, name) for name in industries()
        ]

    def filters(self):
        """The valid filters as a dict; an invalid value is dropped (its error is shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if value not in (None, "")}


def _client_comment_field():
    """A client's optional comment on an event or a plan item."""
    return forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EventReviewForm(forms.Form):
    """A client product owner's review of one event; prefixed per event on /rate/."""

    status = forms.ChoiceField(
        label="Your review",
        choices=[("confirmed", "Confirm"), ("disputed", "Dispute")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose confirm or dispute."},
    )
    comment = _client_comment_field()

    def __init__(self, *args, event, **kwargs):
        if event.client_status != event.ClientStatus.UNREVIEWED:
            kwargs.setdefault(
                "initial", {"status": event.client_status, "comment": event.client_comment}
            )
        super().__init__(*args, **kwargs)


class PlanClientForm(forms.Form):
    """What a client may do with a plan item: mark a client-side item done, comment."""

    done = forms.BooleanField(label="Done", required=False)
    comment = _client_comment_field()

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("initial", {"comment": item.client_comment})
        super().__init__(*args, **kwargs)
        if item.owner_side != PlanItem.OwnerSide.CLIENT or item.status != PlanItem.Status.OPEN:
            del self.fields["done"]


class PlanItemForm(forms.ModelForm):
    """The account manager's view of a plan item; `status` only when editing."""

    class Meta:
        model = PlanItem
        fields = ["title", "dimension", "owner_side", "owner_user", "owner_contact", "due_on"]
        labels = {
            "owner_side": "Whose step is it?",
            "owner_user": "Owner on our side",
            "owner_contact": "Owner at the client",
            "due_on": "Due on",
        }
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.engagement = engagement
        people = [engagement.account_manager_id, *engagement.team.values_list("pk", flat=True)]
        self.fields["owner_user"].queryset = get_user_model().objects.filter(pk__in=people)
        self.fields["owner_user"].label_from_instance = display_name
        self.fields["owner_contact"].queryset = engagement.partner.contacts.order_by("name")
        if self.instance.pk:
            self.fields["status"] = forms.ChoiceField(
                label="Status", choices=PlanItem.Status.choices, initial=self.instance.status
            )


class PolicyForm(forms.ModelForm):
    """A draft policy: every parameter of the rule, with its meaning. The model validates the
    bounds and that the five weights add up to 1."""

    class Meta:
        model = ScoringPolicy
        fields = policy_parameter_names()
        labels = {name: label for name, (label, _) in POLICY_PARAMETERS.items()}
        help_texts = {name: meaning for name, (_, meaning) in POLICY_PARAMETERS.items()}

    def parameters(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class BacktestForm(forms.Form):
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), help_text="First step."
    )
    end = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}), help_text="Last step."
    )
    step_days = forms.IntegerField(
        label="Step (days)", min_value=1, max_value=365, initial=7, help_text="Days between steps."
    )

    @classmethod
    def for_last_year(cls):
        today = timezone.localdate()
        return cls(initial={"start": today - dt.timedelta(days=364), "end": today})

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The end must not be before the start.")
        if end and end > timezone.localdate():
            self.add_error("end", "The end cannot be in the future.")
        return cleaned
