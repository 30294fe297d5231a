from django.contrib import admin

from .models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Read only: a rating is the citizen's own statement and feeds staff appraisal (Decree 61/2018
    Art. 32(2)), so nobody edits or adds one here."""

    list_display = ("dossier", "overall", "channel", "unit", "officer", "created_at")
    list_filter = ("overall", "channel", "created_at")
    search_fields = ("dossier__code", "unit__agency_code", "unit__name", "officer__username")
    list_select_related = ("dossier", "unit", "officer")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
