from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class MotcuaUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + ((_("Thông tin liên hệ"), {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "email", "phone", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "phone")
