from django.contrib import admin

from .models import StoredDocument


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    """For support staff: what a citizen's store holds. Documents are added by the system, not by hand."""

    list_display = ("name", "kind", "owner", "component_name", "created_at")
    list_filter = ("kind",)
    search_fields = ("owner__username", "name", "component_name")
    raw_id_fields = ("owner", "source_dossier")
    readonly_fields = ("sha256", "size", "content_type", "created_at")

    def has_add_permission(self, request) -> bool:
        return False
