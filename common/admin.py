from django.contrib import admin

from .models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "at", "worker")


from .models import PendingTask  # noqa: E402


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    list_display = ("task_name", "created_at", "attempts", "last_error")
    readonly_fields = ("task_name", "args", "kwargs", "created_at", "attempts", "last_error")
