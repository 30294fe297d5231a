from django.contrib import admin

from .models import AccountDeletion, PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody edits or deletes a line of it here."""

    list_display = ("at", "actor_username", "unit", "kind", "channel", "dossier", "route", "detail")
    list_filter = ("kind", "channel")
    date_hierarchy = "at"
    raw_id_fields = ("actor", "subject", "dossier", "unit")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccountDeletion)
class AccountDeletionAdmin(admin.ModelAdmin):
    list_display = (
        "requested_at",
        "user_id_deleted",
        "confirmed_by",
        "dossiers_kept",
        "stored_documents_removed",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
