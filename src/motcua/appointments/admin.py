from django.contrib import admin

from .models import Appointment, AppointmentService, ClosedDay


@admin.register(AppointmentService)
class AppointmentServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "kind", "slot_minutes", "capacity", "max_active_per_person", "is_active")
    list_filter = ("kind", "is_active")
    filter_horizontal = ("procedures",)


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    # Closing a day cancels bookings and notifies their holders: that happens on /can-bo/lich-hen/dong-ngay/,
    # never by adding a row here.
    list_display = ("date", "unit", "reason", "closed_by")
    readonly_fields = ("unit", "date", "reason", "closed_by", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("code", "unit", "service", "start_at", "status")
    list_filter = ("status", "service__kind")
    search_fields = ("code",)
    readonly_fields = [field.name for field in Appointment._meta.fields]

    def has_add_permission(self, request):
        return False
