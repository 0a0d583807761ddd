from django import forms

from partners.models import Contact

from .models import BARRIER_QUESTION, LIKERT_ITEMS, RECOMMEND_QUESTION, STATEMENTS, TrustBarrier

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
    barriers = forms.MultipleChoiceField(
        label=BARRIER_QUESTION,
        choices=TrustBarrier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Optional. Choose any that apply; it does not change the score.",
    )

    def __init__(self, *args, barriers=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not barriers:  # the provider's self-assessment: the question is the client's
            del self.fields["barriers"]
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
