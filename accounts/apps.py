from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与角色")

    def ready(self):
        from django.contrib.auth import user_logged_out
        from django.db.models.signals import post_save, pre_save

        from . import tokens

        user_model = self.get_model("User")
        user_logged_out.connect(tokens.revoke_tokens_at_logout, dispatch_uid="accounts.revoke_tokens_at_logout")
        pre_save.connect(tokens.note_password_change, sender=user_model, dispatch_uid="accounts.note_password_change")
        post_save.connect(
            tokens.revoke_tokens_after_password_change,
            sender=user_model,
            dispatch_uid="accounts.revoke_tokens_after_password_change",
        )
