from django.contrib import admin

from .models import ServiceGroup, Ticket


@admin.register(ServiceGroup)
class ServiceGroupAdmin(admin.ModelAdmin):
    list_display = ("unit", "code", "name", "order", "is_active")
    list_filter = ("is_active",)
    filter_horizontal = ("counters", "fields")
    search_fields = ("name", "unit__name", "unit__agency_code")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "unit", "day", "status", "priority_reason", "counter")
    list_filter = ("status", "source", "day")
    readonly_fields = ("dossiers",)
    raw_id_fields = ("unit", "group", "counter", "target_counter", "officer")
