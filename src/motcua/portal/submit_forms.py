"""Forms of the online submission wizard. They parse and show errors; the rules are the services' own
(`dossiers.online`, `catalog.eform`), whose `ValidationFailed.details` come back onto the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.backoffice.uploads import upload_check, upload_normalise
from motcua.dossiers.enums import ApplicantKind, ReturnMode
from motcua.dossiers.services import ApplicantData

RADIO_LIMIT = 8  # more choices than this read better as a list to pick from


class PortalForm(forms.Form):
    """GOV.UK conventions: an error summary whose links reach the fields, fields marked and described by their
    error, and the service's messages put back where they belong."""

    # Service detail key → form field ("applicant.name" → "name").
    detail_fields: dict[str, str] = {}

    def error_items(self) -> list[tuple[str, str]]:
        """(href, message) pairs for the error summary, in page order."""
        items = [(f"#{self.summary_anchor()}", str(message)) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            if name in self.errors:
                items.extend((f"#{self.anchor(name, field)}", str(message)) for message in self.errors[name])
        return items

    def summary_anchor(self) -> str:
        first = next(iter(self.fields), "")
        return self.anchor(first, self.fields[first]) if first else "main"

    def anchor(self, name: str, field) -> str:
        widget = field.widget
        if isinstance(widget, forms.RadioSelect):
            # The first radio: a fieldset has no focusable element of its own.
            return f"{self[name].auto_id}_0"
        return self[name].auto_id

    def add_domain_errors(self, details) -> None:
        if isinstance(details, list):
            for message in details:
                self.add_error(None, str(message))
            return
        for key, message in (details or {}).items():
            name = self.detail_fields.get(key, key)
            if name in self.fields:
                self.add_error(name, str(message))
            else:
                self.add_error(None, str(message))

    def mark_errors(self) -> None:
        """aria-invalid and aria-describedby on the fields in error (call after validation)."""
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
            css = widget.attrs.get("class", "")
            if "input" in css.split() and "input--error" not in css:
                widget.attrs["class"] = f"{css} input--error"


def _radio_or_select(choices, *, label, required=True) -> forms.ChoiceField:
    widget = forms.RadioSelect if len(choices) <= RADIO_LIMIT else forms.Select(attrs={"class": "select"})
    return forms.ChoiceField(choices=choices, label=label, required=required, widget=widget)


class CentreForm(PortalForm):
    """Where to send the dossier, and (only when the procedure has several) which office decides it."""

    receiving_unit = forms.ChoiceField(label=gettext_lazy("Nơi tiếp nhận hồ sơ"))
    competent_unit = forms.ChoiceField(label=gettext_lazy("Cơ quan giải quyết"), required=False)

    def __init__(self, *args, centres, competent_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.centres = {str(unit.pk): unit for unit in centres}
        self.competents = {str(unit.pk): unit for unit in competent_units}
        choices = [(key, unit.name) for key, unit in self.centres.items()]
        self.fields["receiving_unit"] = _radio_or_select(choices, label=_("Nơi tiếp nhận hồ sơ"))
        self.fields["receiving_unit"].error_messages["required"] = _("Chọn nơi tiếp nhận hồ sơ.")
        self.fields["receiving_unit"].error_messages["invalid_choice"] = _("Chọn một nơi trong danh sách.")
        if len(self.competents) > 1:
            self.fields["competent_unit"] = forms.ChoiceField(
                label=_("Cơ quan giải quyết"),
                required=False,
                choices=[
                    ("", _("— Theo nơi tiếp nhận —")),
                    *[(k, u.name) for k, u in self.competents.items()],
                ],
                help_text=_(
                    "Nếu nộp tại Trung tâm Phục vụ hành chính công xã, phường, hồ sơ được giải quyết tại "
                    "xã, phường đó. Nộp tại nơi khác thì chọn cơ quan giải quyết."
                ),
                widget=forms.Select(attrs={"class": "select"}),
            )
        else:
            del self.fields["competent_unit"]

    def chosen(self):
        data = self.cleaned_data
        competent = self.competents.get(data.get("competent_unit") or "")
        return self.centres[data["receiving_unit"]], competent


class ApplicantForm(PortalForm):
    detail_fields = {
        "applicant.name": "name",
        "applicant.phone": "phone",
        "applicant.id_number": "id_number",
        "applicant.email": "email",
        "applicant.address": "address",
    }

    kind = forms.ChoiceField(
        label=gettext_lazy("Bạn nộp hồ sơ với tư cách"),
        choices=ApplicantKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Chọn cá nhân hoặc tổ chức.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Họ và tên (hoặc tên tổ chức)"),
        max_length=255,
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": gettext_lazy("Nhập họ và tên người nộp hồ sơ.")},
    )
    id_number = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân (số CCCD) hoặc mã số doanh nghiệp"),
        max_length=20,
        help_text=gettext_lazy("12 chữ số in trên thẻ căn cước, ví dụ 096199001234"),
        widget=forms.TextInput(
            attrs={
                "class": "input input--width-20",
                "inputmode": "numeric",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": gettext_lazy("Nhập số định danh cá nhân hoặc mã số doanh nghiệp.")},
    )
    date_of_birth = forms.DateField(
        label=gettext_lazy("Ngày sinh"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=gettext_lazy("Không bắt buộc. Ví dụ 25/03/1990"),
        widget=forms.DateInput(
            attrs={"class": "input input--width-10", "type": "date", "autocomplete": "bday"},
            format="%Y-%m-%d",
        ),
        error_messages={"invalid": gettext_lazy("Ngày sinh phải là một ngày có thật, ví dụ 25/03/1990.")},
    )
    phone = forms.CharField(
        label=gettext_lazy("Số điện thoại"),
        max_length=20,
        help_text=gettext_lazy("Để nhận tin nhắn về hồ sơ và tra cứu hồ sơ"),
        widget=forms.TextInput(
            attrs={"class": "input input--width-20", "type": "tel", "autocomplete": "tel"}
        ),
        error_messages={"required": gettext_lazy("Nhập số điện thoại để nhận thông báo về hồ sơ.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("Thư điện tử"),
        required=False,
        help_text=gettext_lazy("Không bắt buộc"),
        widget=forms.EmailInput(attrs={"class": "input", "autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": gettext_lazy("Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.vn.")},
    )
    address = forms.CharField(
        label=gettext_lazy("Địa chỉ liên hệ"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "street-address"}),
    )

    def clean_id_number(self):
        return "".join(self.cleaned_data["id_number"].split())

    def applicant_data(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(
            kind=data["kind"],
            name=data["name"],
            id_number=data["id_number"],
            date_of_birth=data.get("date_of_birth"),
            phone=data["phone"].strip(),
            email=data.get("email", ""),
            address=data.get("address", "").strip(),
        )


UPLOAD = "upload"
KEEP = "keep"
SKIP = "skip"


class ComponentForm(PortalForm):
    """One component: a new scan, a document from the citizen's store, the answer given before, or (when the
    component is optional) nothing."""

    choice = forms.ChoiceField(label="", widget=forms.RadioSelect, required=False)
    file = forms.FileField(
        label=gettext_lazy("Tải lên bản quét (PDF, JPG hoặc PNG, tối đa 20 MB)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "class": "file-upload",
                "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
            }
        ),
    )

    def __init__(self, *args, component, stored, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.component = component
        self.stored = {str(document.pk): (document, is_match) for document, is_match in stored}
        self.current = current
        choices = [(UPLOAD, _("Tải lên tệp mới"))]
        choices += [(f"store-{key}", document.name) for key, (document, _match) in self.stored.items()]
        if current is not None:
            choices.insert(0, (KEEP, _("Giữ tệp đã nộp")))
        if not self.is_required:
            choices.append((SKIP, _("Không nộp giấy tờ này")))
        self.fields["choice"].choices = choices
        self.fields["choice"].label = _("Bạn muốn nộp giấy tờ này thế nào?")
        self.fields["choice"].error_messages["invalid_choice"] = _("Chọn một cách nộp trong danh sách.")
        self.has_alternatives = len(choices) > 1
        self.initial.setdefault("choice", KEEP if current is not None else UPLOAD)

    @property
    def is_required(self) -> bool:
        return self.component.is_required and not self.component.is_replaceable_by_state_data

    def summary_anchor(self) -> str:
        return self["file"].auto_id

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("choice") or UPLOAD
        upload = cleaned.get("file")
        if upload and choice in (UPLOAD, KEEP, SKIP):
            # A file chosen is what the person meant, whatever radio stayed selected.
            choice = UPLOAD
        cleaned["choice"] = choice
        if choice == UPLOAD:
            if not upload:
                if self.current is not None:
                    cleaned["choice"] = KEEP
                elif self.is_required or not self.has_alternatives:
                    self.add_error("file", _("Chọn tệp bản quét của giấy tờ này."))
                else:
                    self.add_error("file", _("Chọn tệp để tải lên, hoặc chọn “Không nộp giấy tờ này”."))
                return cleaned
            problem = upload_check(upload)
            if problem:
                self.add_error("file", problem)
                return cleaned
            upload_normalise(upload)
        elif choice.startswith("store-"):
            entry = self.stored.get(choice.removeprefix("store-"))
            if entry is None:
                self.add_error("choice", _("Chọn một cách nộp trong danh sách."))
            else:
                cleaned["stored"] = entry[0]
        elif choice == SKIP and self.is_required:
            self.add_error("choice", _("Giấy tờ này bắt buộc phải nộp."))
        return cleaned


class ReturnForm(PortalForm):
    detail_fields = {"return_mode": "return_mode", "return_address": "return_address"}

    return_mode = forms.ChoiceField(
        label=gettext_lazy("Bạn muốn nhận kết quả thế nào?"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Chọn cách nhận kết quả.")},
    )
    return_address = forms.CharField(
        label=gettext_lazy("Địa chỉ nhận kết quả qua bưu điện"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Số nhà, đường, ấp/khóm, xã/phường, tỉnh"),
        widget=forms.Textarea(attrs={"class": "input", "rows": 3, "autocomplete": "street-address"}),
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (
                ReturnMode.ONLINE,
                _("Nhận bản điện tử trên tài khoản này (có chữ ký số, giá trị như bản giấy)"),
            ),
            (ReturnMode.COUNTER, _("Nhận trực tiếp tại nơi nộp hồ sơ")),
        ]
        if version.is_postal_return_allowed:
            choices.append(
                (ReturnMode.POSTAL, _("Nhận qua bưu điện (bưu chính công ích, có thể mất phí gửi)"))
            )
        self.fields["return_mode"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("return_mode") == ReturnMode.POSTAL
            and not (cleaned.get("return_address") or "").strip()
        ):
            self.add_error("return_address", _("Nhập địa chỉ nhận kết quả qua bưu điện."))
        return cleaned


class SupplementForm(PortalForm):
    """One upload (or store document) per item of the supplement request."""

    note = forms.CharField(
        label=gettext_lazy("Ghi chú cho cán bộ (không bắt buộc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "input", "rows": 3}),
    )

    def __init__(self, *args, items, stored, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.stored = {str(document.pk): document for document, _match in stored}
        store_choices = [("", _("— Không chọn —"))] + [
            (key, document.name) for key, document in self.stored.items()
        ]
        fields = {}
        for index, item in enumerate(self.items):
            fields[f"file_{index}"] = forms.FileField(
                label=item,
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"class": "file-upload", "accept": ".pdf,.jpg,.jpeg,.png"}
                ),
            )
            if self.stored:
                fields[f"store_{index}"] = forms.ChoiceField(
                    label=_("Hoặc chọn giấy tờ đã có trong kho dữ liệu"),
                    required=False,
                    choices=store_choices,
                    widget=forms.Select(attrs={"class": "select"}),
                )
        note = self.fields.pop("note")
        self.fields.update(fields)
        self.fields["note"] = note
        self.detail_fields = {f"items.{index}": f"file_{index}" for index in range(len(self.items))}

    def rows(self):
        for index, item in enumerate(self.items):
            yield item, self[f"file_{index}"], (self[f"store_{index}"] if self.stored else None)

    def clean(self):
        cleaned = super().clean()
        answers = []
        for index, item in enumerate(self.items):
            upload = cleaned.get(f"file_{index}")
            stored = self.stored.get(cleaned.get(f"store_{index}") or "")
            if upload:
                problem = upload_check(upload)
                if problem:
                    self.add_error(f"file_{index}", problem)
                    continue
                upload_normalise(upload)
                answers.append((item, upload, None))
            elif stored is not None:
                answers.append((item, None, stored))
            else:
                self.add_error(f"file_{index}", _("Chọn tệp cho: %(item)s") % {"item": item})
        cleaned["answers"] = answers
        return cleaned
