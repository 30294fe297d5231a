from django.contrib import admin
from django.utils import timezone

from .calendar import library_days
from .models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "decision_reference")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name", "decision_reference")
    change_list_template = "admin/workcal/calendaroverride/change_list.html"

    def changelist_view(self, request, extra_context=None):
        try:
            year = int(request.GET.get("date__year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        extra_context = {**(extra_context or {}), "library_year": year, "library_days": library_days(year)}
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
