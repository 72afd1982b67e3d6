from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=_("同时发送邮件通知"), required=False, help_text=_("关闭后仍可在平台内查看通知,只是不再发送邮件。")
    )
