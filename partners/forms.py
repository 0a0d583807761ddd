from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import imports
from .access import ACCOUNT_MANAGERS, CLIENT_PRODUCT_OWNERS
from .choices import Dimension, EventKind
from .models import Contact, Engagement, EngagementEvent, Partner, display_name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def event_kind_choices():
    """Event kinds grouped by dimension, with their points, for a <select> with optgroups."""
    groups = []
    for dimension in Dimension:
        kinds = [
            (kind.value, f"{kind.label} ({kind.points:+d})")
            for kind in EventKind.of_dimension(dimension)
        ]
        if kinds:
            groups.append((dimension.label, kinds))
    return [("", "Choose what happened…"), *groups]


class PartnerForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = ["name", "industry", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "email", "title", "is_product_owner"]
        labels = {"is_product_owner": "Product owner (asked for trust ratings)"}


def provider_users():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(groups__name=CLIENT_PRODUCT_OWNERS)
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class EngagementForm(forms.ModelForm):
    account_manager = UserChoiceField(queryset=None)
    team = UserMultipleChoiceField(queryset=None, required=False)

    class Meta:
        model = Engagement
        fields = Engagement.DETAIL_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "started_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args, reassign=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = provider_users().filter(
            groups__name=ACCOUNT_MANAGERS
        )
        self.fields["team"].queryset = provider_users()
        self.fields["team"].help_text = "People on the provider's side who work on it."
        if not reassign:
            # Disabled fields ignore what is posted and keep the saved values.
            for name in ("account_manager", "team"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Only the account manager or leadership change this."


class EventForm(forms.ModelForm):
    kind = forms.ChoiceField(label="Kind", choices=event_kind_choices)

    class Meta:
        model = EngagementEvent
        fields = ["kind", "occurred_on", "title", "impact", "notes"]
        labels = {"occurred_on": "Occurred on", "title": "Title", "impact": "Impact"}
        widgets = {
            "occurred_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"impact": "Low counts half, high counts double."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("occurred_on", timezone.localdate())

    def clean_kind(self):
        return EventKind(self.cleaned_data["kind"])


class EventImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="The first row names the columns: engagement, kind, occurred_on, title, "
        "impact, notes. Saved as CSV (UTF-8), separated by commas or semicolons.",
    )

    def clean_file(self):
        try:
            return imports.csv_read(self.cleaned_data["file"])
        except imports.CsvRefused as refused:
            raise forms.ValidationError(str(refused)) from None


REASON_HELP = "Kept in the engagement's history, with your name and the date."


class EventEditForm(EventForm):
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=500,
        help_text="Needed when you change the kind, date or impact. " + REASON_HELP,
    )


class EventDeleteForm(forms.Form):
    reason = forms.CharField(label="Why delete this event?", max_length=500, help_text=REASON_HELP)
