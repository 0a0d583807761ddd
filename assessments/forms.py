from django import forms
from django.contrib.auth import get_user_model

from partners.choices import Dimension
from partners.models import Contact, display_name

from .engine.scoring import ANSWER_ITEMS, EVIDENCE_DIMENSIONS
from .models import BARRIER_QUESTION, RECOMMEND_QUESTION, STATEMENTS, PlanItem, TrustBarrier

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


class EventReviewForm(forms.Form):
    """A client product owner's review of one event; prefixed per event on /rate/."""

    status = forms.ChoiceField(
        label="Your review",
        choices=[("confirmed", "Confirm"), ("disputed", "Dispute")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose confirm or dispute."},
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, event, **kwargs):
        if event.client_status != event.ClientStatus.UNREVIEWED:
            kwargs.setdefault(
                "initial", {"status": event.client_status, "comment": event.client_comment}
            )
        super().__init__(*args, **kwargs)


class PlanClientForm(forms.Form):
    """What a client may do with a plan item: mark a client-side item done, comment."""

    done = forms.BooleanField(label="Done", required=False)
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

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
