from django.contrib import admin

from .models import Payment, ProviderEvent


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "order_id",
        "receipt_number",
        "dossier",
        "method",
        "status",
        "amount",
        "created_at",
        "paid_at",
    )
    list_filter = ("method", "status", "unit")
    search_fields = ("order_id", "receipt_number", "dossier__code")
    readonly_fields = [f.name for f in Payment._meta.fields]

    def has_add_permission(self, request):
        return False  # payments are written by the services only (receipt numbers, gateway answers)


@admin.register(ProviderEvent)
class ProviderEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "provider", "source", "order_id", "is_signature_valid", "outcome")
    list_filter = ("provider", "source", "outcome")
    search_fields = ("order_id",)
    readonly_fields = [f.name for f in ProviderEvent._meta.fields]

    def has_add_permission(self, request):
        return False
