from django import forms
from django_otp.plugins.otp_totp.models import TOTPDevice


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        initial="API token",
        help_text="What uses it, so you know which one to revoke (for example “CRM sync”).",
    )


class OneTimeCodeForm(forms.Form):
    """A six-digit code from the user's authenticator app, checked against `device`."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not (code.isascii() and code.isdigit()) or not self.device.verify_token(code):
            raise forms.ValidationError("That code is not right. Enter the code shown now.")
        return code
