from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.exceptions import DomainError, ValidationFailed

from . import services, transfer
from .models import (
    ComponentRequirement,
    FeeRule,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
)


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


MAX_IMPORT_BYTES = 20 * 1024 * 1024
EXPORT_FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "zip": ("application/zip", "zip"),
}


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh mục"),
        help_text=_(
            "Bảng tính Excel (.xlsx) 4 sheet, tệp ZIP chứa 4 tệp CSV, hoặc một tệp CSV chỉ gồm bảng thủ tục; "
            "tối đa 20 MB."
        ),
    )
    is_draft_only = forms.BooleanField(
        label=_("Chỉ tạo bản nháp, chưa công bố"),
        label_suffix="",
        required=False,
        help_text=_(
            "Bỏ chọn để công bố ngay các phiên bản mới (phiên bản đang hiệu lực chuyển sang đã thay thế)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB."))
        return upload


def _download(data: bytes, export_format: str) -> HttpResponse:
    content_type, extension = EXPORT_FORMATS[export_format]
    response = HttpResponse(data, content_type=content_type)
    name = f"danh-muc-tthc-{timezone.localdate():%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = (
        "procedure",
        "number",
        "status",
        "display_name",
        "field",
        "level",
        "committed_time_amount",
        "committed_time_unit",
        "online_level",
    )
    list_filter = ("status", "level", "field", "online_level")
    search_fields = ("procedure__national_code", "procedure__local_code", "name", "short_name")
    autocomplete_fields = ("procedure", "field", "competent_units", "receiving_units")
    readonly_fields = ("status", "created_at", "created_by")
    inlines = [ComponentInline, FeeInline, ProcessInline]
    actions = ["make_draft", "publish", "export_selected"]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        # Before the model's own URLs: "<object_id>/" would otherwise swallow these paths.
        return [
            path("nhap/", self.admin_site.admin_view(self.import_view), name=f"{prefix}_import"),
            path("xuat/", self.admin_site.admin_view(self.export_view), name=f"{prefix}_export"),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        # An import creates procedures as well as versions.
        return self.has_add_permission(request) and request.user.has_perm("catalog.add_procedure")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_catalog": self.has_import_permission(request),
            "can_export_catalog": self.has_view_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        export_format = request.GET.get("dinh-dang", "xlsx")
        if export_format == "zip":
            return _download(transfer.catalog_export_csv(), "zip")
        return _download(transfer.catalog_export_xlsx(), "xlsx")

    @admin.action(description=_("Xuất Excel các phiên bản đã chọn"), permissions=["view"])
    def export_selected(self, request, queryset):
        return _download(transfer.catalog_export_xlsx(versions=queryset), "xlsx")

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        result = None
        failure = None
        if request.method == "POST":
            form = CatalogImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    result = transfer.catalog_import(
                        data=upload.read(),
                        filename=upload.name,
                        user=request.user,
                        publish=not form.cleaned_data["is_draft_only"],
                    )
                except ValidationFailed as error:
                    failure = error
                else:
                    form = CatalogImportForm()
        else:
            form = CatalogImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Nhập danh mục thủ tục từ Excel/CSV"),
            "form": form,
            "result": result,
            "failure_message": failure.message if failure else "",
            "problems": (failure.details or []) if failure else [],
            "sheets": transfer.SHEETS,
            "can_export_catalog": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/catalog/procedureversion/import.html", context)

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
