from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "region", "unit", "is_active")
    list_filter = ("role", "region", "is_active")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("角色与归属"), {"fields": ("role", "region", "unit", "phone")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("角色与归属"), {"fields": ("role", "region", "unit")}))
