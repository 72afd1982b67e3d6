from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("公共组件")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save, pre_save

        from . import schema_extensions  # noqa: F401  (registers the drf-spectacular extension)

        user_model = get_user_model()

        # A login only stamps last_login: not a change anyone needs in the audit trail.
        def skip_login_stamp(sender, instance, update_fields=None, **kwargs):
            if (
                update_fields is not None
                and set(update_fields) <= {"last_login"}
                and not hasattr(instance, "skip_history_when_saving")
            ):
                instance.skip_history_when_saving = True
                instance._kepu_skip_set = True

        def clear_skip(sender, instance, **kwargs):
            if instance.__dict__.pop("_kepu_skip_set", False):
                del instance.skip_history_when_saving

        pre_save.connect(skip_login_stamp, sender=user_model, dispatch_uid="common.skip_login_stamp")
        post_save.connect(clear_skip, sender=user_model, dispatch_uid="common.clear_skip")
