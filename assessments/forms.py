import datetime as dt
from dataclasses import fields as dataclass_fields

from django import forms
from django.utils import timezone

from partners.models import Contact

from .engine.scoring import PolicyParams
from .models import LIKERT_ITEMS, RECOMMEND_QUESTION, STATEMENTS, ScoringPolicy

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
}


def policy_parameter_names():
    """The parameters of the rule, in `PolicyParams` order."""
    return [field.name for field in dataclass_fields(PolicyParams)]


LIKERT_CHOICES = [
    (1, "1 · Strongly disagree"),
    (2, "2 · Disagree"),
    (3, "3 · Neutral"),
    (4, "4 · Agree"),
    (5, "5 · Strongly agree"),
]
RECOMMEND_CHOICES = [(n, str(n)) for n in range(11)]


class AssessmentForm(forms.Form):
    """The questionnaire: seven statements rated 1-5, recommend 0-10, and a comment."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        likert = {
            item: forms.TypedChoiceField(
                label=STATEMENTS[item],
                choices=LIKERT_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose how much you agree with this statement."},
            )
            for item in LIKERT_ITEMS
        }
        self.fields = {**likert, **self.fields}

    def likert_fields(self):
        return [self[item] for item in LIKERT_ITEMS]

    def answers(self):
        return {item: self.cleaned_data[item] for item in LIKERT_ITEMS}


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
