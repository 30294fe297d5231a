from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .index766 import INDICATORS_BY_CODE, manual_indicator_choices
from .models import ManualIndicatorValue


class ManualIndicatorValueForm(forms.ModelForm):
    # Only the indicators whose data lies outside the system may be entered (reports/index766.py).
    code = forms.ChoiceField(label=_("chỉ số"), choices=manual_indicator_choices)

    class Meta:
        model = ManualIndicatorValue
        fields = ("unit", "period_start", "period_end", "code", "value", "note")


@admin.register(ManualIndicatorValue)
class ManualIndicatorValueAdmin(admin.ModelAdmin):
    form = ManualIndicatorValueForm
    list_display = ("code", "indicator_name", "unit", "period_start", "period_end", "value", "entered_by")
    list_filter = ("code", "period_start")
    search_fields = ("code", "unit__agency_code", "unit__name", "note")
    autocomplete_fields = ("unit",)
    readonly_fields = ("entered_by", "entered_at")

    @admin.display(description=_("tên chỉ số"))
    def indicator_name(self, obj: ManualIndicatorValue) -> str:
        indicator = INDICATORS_BY_CODE.get(obj.code)
        return str(indicator.name) if indicator else "–"

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
