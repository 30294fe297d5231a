"""Forms of the rating pages: they parse and give the Vietnamese field messages; the rules (returned only,
once per dossier, who may rate) are in `motcua.ratings.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.ratings.criteria import COMMENT_MAX_LENGTH, CRITERIA, CRITERION_FIELDS
from motcua.ratings.enums import Overall


class RatingForm(forms.Form):
    overall = forms.ChoiceField(
        label=_("Nhìn chung, bạn có hài lòng với việc giải quyết hồ sơ này không?"),
        choices=Overall.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Chọn mức độ hài lòng chung của bạn."),
            "invalid_choice": _("Chọn mức độ hài lòng chung của bạn."),
        },
    )
    comment = forms.CharField(
        label=_("Ý kiến khác (không bắt buộc)"),
        help_text=_("Không ghi họ tên, số điện thoại hay số giấy tờ tùy thân vào đây."),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Ý kiến khác tối đa %(limit_value)d ký tự.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[criterion.field] = forms.ChoiceField(
                label=criterion.question,
                choices=criterion.choices.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Lựa chọn không hợp lệ.")},
            )

    @property
    def criterion_fields(self) -> list:
        return [self[criterion.field] for criterion in CRITERIA]

    def answers(self) -> dict:
        """The answers in the shape `rating_submit` takes."""
        return {name: self.cleaned_data.get(name) or "" for name in ("overall", "comment", *CRITERION_FIELDS)}

    def add_domain_errors(self, details: dict | None) -> None:
        for name, message in (details or {}).items():
            self.add_error(name if name in self.fields else None, message)


class KioskLookupForm(forms.Form):
    ma = forms.CharField(
        label=_("Mã hồ sơ"),
        help_text=_("In trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, ví dụ: H12.99-260302-0001"),
        max_length=60,
        error_messages={"required": _("Nhập mã hồ sơ.")},
    )
    so = forms.RegexField(
        label=_("4 chữ số cuối của số điện thoại"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={
            "required": _("Nhập 4 chữ số cuối của số điện thoại đã đăng ký khi nộp hồ sơ."),
            "invalid": _("Nhập đúng 4 chữ số cuối của số điện thoại đã đăng ký khi nộp hồ sơ."),
        },
    )

    def clean_ma(self) -> str:
        return self.cleaned_data["ma"].strip().upper()
