from django.contrib import admin

from .models import Counter, StaffRole, Unit


class CounterInline(admin.TabularInline):
    model = Counter
    extra = 0


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("agency_code", "name", "kind", "parent", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("agency_code", "name", "short_name")
    autocomplete_fields = ("parent", "successor")
    inlines = [CounterInline, StaffRoleInline]
    fieldsets = (
        (None, {"fields": ("parent", "kind", "name", "short_name", "agency_code")}),
        ("Liên hệ", {"fields": ("address", "phone", "email")}),
        (
            "Giờ làm việc",
            {"fields": (("morning_start", "morning_end"), ("afternoon_start", "afternoon_end"))},
        ),
        ("Lịch sử", {"fields": ("is_active", "dissolved_on", "successor")}),
    )


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "title")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__agency_code")
    autocomplete_fields = ("user", "unit")
