"""Forms of the booking pages: they parse and show errors; the rules are `services`' own."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.portal.submit_forms import PortalForm


def _radios(label, choices, help_text="") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, help_text=help_text)


class UnitForm(PortalForm):
    don_vi = forms.ChoiceField(label=_("Bạn muốn đặt lịch hẹn tại đâu?"), widget=forms.RadioSelect)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = [(u.agency_code, u.name) for u in units]
        if len(units) > 8:
            self.fields["don_vi"].widget = forms.Select(attrs={"class": "select"})
        self.fields["don_vi"].error_messages["required"] = _("Chọn nơi đặt lịch hẹn.")


class ServiceForm(PortalForm):
    dich_vu = forms.ChoiceField(label=_("Bạn cần đặt lịch hẹn cho việc gì?"), widget=forms.RadioSelect)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dich_vu"].choices = [(str(s.pk), s.name) for s in services]
        self.fields["dich_vu"].error_messages["required"] = _("Chọn việc cần đặt lịch hẹn.")


class DayForm(PortalForm):
    ngay = forms.ChoiceField(
        label=_("Bạn muốn đến vào ngày nào?"), widget=forms.Select(attrs={"class": "select"})
    )

    def __init__(self, *args, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ngay"].error_messages["required"] = _("Chọn ngày hẹn.")
        if len(days) <= 8:
            self.fields["ngay"].widget = forms.RadioSelect()
            self.fields["ngay"].choices = days
        else:
            # A list must not pick its first day by itself: an unchosen day is an error to show.
            self.fields["ngay"].choices = [("", _("— Chọn ngày —")), *days]


class TimeForm(PortalForm):
    gio = forms.ChoiceField(label=_("Bạn muốn đến lúc mấy giờ?"), widget=forms.RadioSelect)

    def __init__(self, *args, times, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gio"].choices = times
        self.fields["gio"].error_messages["required"] = _("Chọn giờ hẹn.")
        if label:
            self.fields["gio"].label = label


class DetailsForm(PortalForm):
    holder_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        help_text=_("Chúng tôi nhắn tin xác nhận và nhắc lịch hẹn vào số này."),
    )
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    address = forms.CharField(
        label=_("Địa chỉ để bưu điện đến nhận hồ sơ"),
        max_length=500,
        required=False,
        help_text=_("Số nhà, đường, phường/xã."),
    )
    procedure = forms.ChoiceField(label=_("Thủ tục cần hướng dẫn"), required=False)
    note = forms.CharField(
        label=_("Ghi chú cho cán bộ"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        from .enums import ServiceKind

        if service.kind != ServiceKind.POSTAL_PICKUP:
            del self.fields["address"]
        else:
            self.fields["address"].required = True
            self.fields["address"].error_messages["required"] = _("Nhập địa chỉ để bưu điện đến nhận hồ sơ.")
        procedures = list(
            service.procedures.all().select_related("current_version").order_by("national_code")
        )
        if procedures:
            self.fields["procedure"].choices = [("", _("Chưa rõ / không chọn"))] + [
                (str(p.pk), str(p)) for p in procedures
            ]
            self.fields["procedure"].widget.attrs["class"] = "select"
        else:
            del self.fields["procedure"]
        self.fields["holder_name"].error_messages["required"] = _("Nhập họ và tên người đến hẹn.")
        self.fields["phone"].error_messages["required"] = _("Nhập số điện thoại di động.")
        attrs = {
            "holder_name": {"autocomplete": "name"},
            "phone": {"autocomplete": "tel", "inputmode": "tel"},
            "email": {"autocomplete": "email", "type": "email", "spellcheck": "false"},
            "address": {"autocomplete": "street-address"},
        }
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "select" if name == "procedure" else "input")
            if name == "note":
                field.widget.attrs["class"] = "textarea"
            field.widget.attrs.update(attrs.get(name, {}))


class FindForm(PortalForm):
    ma = forms.CharField(
        label=_("Mã lịch hẹn"), max_length=20, help_text=_("Gồm 10 chữ và số, trong tin nhắn xác nhận.")
    )
    so = forms.RegexField(
        label=_("4 số cuối của số điện thoại đã đăng ký"),
        regex=r"^\s*\d{4}\s*$",
        max_length=10,
        error_messages={"invalid": _("Nhập đúng 4 chữ số.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ma"].error_messages["required"] = _("Nhập mã lịch hẹn.")
        self.fields["so"].error_messages["required"] = _("Nhập 4 số cuối của số điện thoại.")
        self.fields["ma"].widget.attrs.update(
            {"class": "input input--code", "autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["so"].widget.attrs.update(
            {"class": "input input--short", "inputmode": "numeric", "autocomplete": "off"}
        )


class KioskForm(PortalForm):
    ma = forms.CharField(
        label=_("Mã lịch hẹn hoặc số điện thoại"),
        max_length=20,
        help_text=_("Nhập mã lịch hẹn trong tin nhắn, hoặc số điện thoại đã dùng khi đặt lịch."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ma"].error_messages["required"] = _("Nhập mã lịch hẹn hoặc số điện thoại.")
        self.fields["ma"].widget.attrs.update(
            {"class": "input input--code", "autocomplete": "off", "spellcheck": "false"}
        )


class CloseDayForm(forms.Form):
    don_vi = forms.ChoiceField(label=_("Đơn vị"))
    ngay = forms.DateField(
        label=_("Ngày không nhận lịch hẹn"), widget=forms.DateInput(attrs={"type": "date", "class": "input"})
    )
    reason = forms.CharField(
        label=_("Lý do (gửi cho người đã đặt lịch)"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "input"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = [(u.agency_code, u.name) for u in units]
        self.fields["don_vi"].widget.attrs["class"] = "select"
