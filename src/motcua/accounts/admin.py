from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ExternalIdentity, User


class ExternalIdentityInline(admin.TabularInline):
    model = ExternalIdentity
    extra = 0
    fields = ("issuer", "subject", "created_at", "last_login_at")
    readonly_fields = fields
    can_delete = True


@admin.register(User)
class MotcuaUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (
        (
            _("Thông tin liên hệ"),
            {
                "fields": (
                    "full_name",
                    "phone",
                    "is_phone_verified",
                    "is_email_verified",
                    "address",
                    "id_number",
                    "is_id_number_verified",
                )
            },
        ),
        (_("Đăng nhập"), {"fields": ("failed_login_count", "locked_until", "registered_by")}),
    )
    readonly_fields = ("registered_by",)
    inlines = [ExternalIdentityInline]
    list_display = ("username", "full_name", "email", "phone", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "phone", "id_number")
