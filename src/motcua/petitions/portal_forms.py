"""Forms of the citizen pages: they parse and give field messages; the rules are in `services`."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Privacy, Satisfaction, SubjectKind
from .services import DESCRIPTION_MAX, TITLE_MAX, PetitionData


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _input(width: str = "", **attrs) -> dict:
    classes = "input" + (f" input--width-{width}" if width else "")
    return {"class": classes, **attrs}


class PetitionForm(forms.Form):
    subject_kind = forms.ChoiceField(
        label=_("Bạn phản ánh, kiến nghị về việc gì?"),
        choices=SubjectKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn nội dung phản ánh, kiến nghị về việc gì."),
            "invalid_choice": _("Chọn nội dung phản ánh, kiến nghị về việc gì."),
        },
    )
    procedure_code = forms.CharField(
        label=_("Mã thủ tục hành chính"),
        help_text=_("Khi phản ánh về quy định, thủ tục: mã in trên trang thủ tục, ví dụ 1.004873."),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs=_input("10", spellcheck="false")),
    )
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ"),
        help_text=_("Khi phản ánh về một hồ sơ của bạn: mã in trên Giấy tiếp nhận hồ sơ."),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs=_input("20", spellcheck="false")),
    )
    officer_name = forms.CharField(
        label=_("Cán bộ được phản ánh"),
        help_text=_("Khi phản ánh về thái độ, hành vi của cán bộ: tên, chức danh hoặc số quầy."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=_input("20")),
    )
    location_address = forms.CharField(
        label=_("Địa điểm"),
        help_text=_("Khi phản ánh về sự việc tại một địa điểm: số nhà, đường, phường/xã."),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=_input()),
    )
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs=_input()),
        error_messages={"required": _("Nhập tiêu đề phản ánh, kiến nghị.")},
    )
    description = forms.CharField(
        label=_("Nội dung"),
        help_text=_("Trình bày sự việc, thời gian, nơi xảy ra và đề nghị của bạn."),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"class": "input", "rows": 8}),
        error_messages={"required": _("Nhập nội dung phản ánh, kiến nghị.")},
    )
    attachments = MultipleFileField(
        label=_("Tệp đính kèm"),
        help_text=_("Tối đa 3 tệp ảnh JPG, PNG hoặc PDF, mỗi tệp không quá 10 MB."),
        required=False,
    )
    petitioner_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        widget=forms.TextInput(attrs=_input("20", autocomplete="name")),
        error_messages={"required": _("Nhập họ và tên của bạn.")},
    )
    petitioner_phone = forms.CharField(
        label=_("Số điện thoại"),
        help_text=_("Để nhận tin nhắn và tra cứu phản ánh (cần 4 số cuối)."),
        max_length=20,
        widget=forms.TextInput(attrs=_input("10", autocomplete="tel", inputmode="tel")),
        error_messages={"required": _("Nhập số điện thoại của bạn.")},
    )
    petitioner_email = forms.CharField(
        label=_("Thư điện tử"),
        help_text=_("Để nhận câu trả lời đầy đủ và đường dẫn đánh giá."),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs=_input("20", autocomplete="email")),
    )
    privacy = forms.ChoiceField(
        label=_("Công khai phản ánh và câu trả lời?"),
        help_text=_(
            "Họ tên, số điện thoại, thư điện tử và tệp đính kèm của bạn không bao giờ được công khai."
        ),
        choices=Privacy.choices,
        initial=Privacy.PUBLIC,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn có cho phép công khai hay không.")},
    )

    def clean_petitioner_phone(self) -> str:
        # Checked here too, so that one submission lists every error, not the form's first and then the rest.
        value = self.cleaned_data["petitioner_phone"]
        if not 9 <= len(re.sub(r"\D", "", value)) <= 11:
            raise forms.ValidationError(_("Nhập số điện thoại gồm 9 đến 11 chữ số, ví dụ 0912345678."))
        return value

    def data_for_service(self) -> PetitionData:
        values = {name: self.cleaned_data.get(name) or "" for name in self.fields if name != "attachments"}
        return PetitionData(**values, attachments=self.cleaned_data.get("attachments") or [])

    def add_domain_errors(self, details: dict | None) -> None:
        for name, message in (details or {}).items():
            target = (
                name
                if name in self.fields
                else ("location_address" if name in ("latitude", "longitude") else None)
            )
            self.add_error(target, message)


class LookupForm(forms.Form):
    ma = forms.CharField(
        label=_("Mã phản ánh"),
        help_text=_("Ví dụ: PA-260302-0001"),
        max_length=20,
        widget=forms.TextInput(attrs=_input("10", spellcheck="false")),
        error_messages={"required": _("Nhập mã phản ánh.")},
    )
    so = forms.CharField(
        label=_("4 số cuối điện thoại"),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs=_input("4", inputmode="numeric", autocomplete="off")),
        error_messages={
            "required": _("Nhập 4 số cuối của số điện thoại đã khai khi gửi."),
            "min_length": _("Nhập đủ 4 số cuối của số điện thoại."),
        },
    )


class PetitionRatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Bạn có hài lòng với câu trả lời không?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn bạn hài lòng hay không hài lòng với câu trả lời."),
            "invalid_choice": _("Chọn bạn hài lòng hay không hài lòng với câu trả lời."),
        },
    )
    comment = forms.CharField(
        label=_("Ý kiến thêm"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "input", "rows": 4}),
    )
