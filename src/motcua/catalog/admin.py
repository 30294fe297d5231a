from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from motcua.core.exceptions import DomainError

from . import services
from .models import ComponentRequirement, FeeRule, Field, Procedure, ProcedureVersion, ProcessDefinition, ProcessStep


class DraftOnlyMixin:
    """Published versions are read-only: editing means making a new draft version."""

    def _version_of(self, obj):
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self._version_of(obj).is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not self._version_of(obj).is_editable:
            return False
        return super().has_delete_permission(request, obj)


class VersionChildInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj):
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class ComponentInline(VersionChildInline):
    model = ComponentRequirement


class FeeInline(VersionChildInline):
    model = FeeRule


class ProcessInline(VersionChildInline):
    model = ProcessDefinition
    show_change_link = True


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("number", "status", "short_name", "effective_from", "effective_to")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("national_code", "local_code", "current_version")
    search_fields = ("national_code", "local_code", "versions__name")
    readonly_fields = ("current_version",)
    inlines = [VersionInline]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("procedure", "number", "status", "display_name", "field", "level", "committed_time_amount",
                    "committed_time_unit", "online_level")
    list_filter = ("status", "level", "field", "online_level")
    search_fields = ("procedure__national_code", "procedure__local_code", "name", "short_name")
    autocomplete_fields = ("procedure", "field", "competent_units", "receiving_units")
    readonly_fields = ("status", "created_at", "created_by")
    inlines = [ComponentInline, FeeInline, ProcessInline]
    actions = ["make_draft", "publish"]

    @admin.action(description=_("Tạo phiên bản mới (bản nháp) để sửa đổi"))
    def make_draft(self, request, queryset):
        for version in queryset:
            draft = services.procedure_version_create_draft(version=version, user=request.user)
            self.message_user(request, _("Đã tạo bản nháp %(v)s.") % {"v": draft}, messages.SUCCESS)

    @admin.action(description=_("Công bố phiên bản (thay thế phiên bản đang hiệu lực)"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.procedure_version_publish(version=version)
            except DomainError as error:
                detail = "; ".join(error.details or []) if isinstance(error.details, list) else ""
                self.message_user(request, f"{version}: {error.message} {detail}", messages.ERROR)
            else:
                self.message_user(request, _("Đã công bố %(v)s.") % {"v": version}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class StepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0
    autocomplete_fields = ("unit",)

    def _editable(self, obj):
        return obj is None or obj.version.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "version", "handling_unit")
    search_fields = ("name", "version__procedure__national_code")
    autocomplete_fields = ("version", "handling_unit")
    inlines = [StepInline]

    def _version_of(self, obj):
        return obj.version
