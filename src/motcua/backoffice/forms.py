"""Forms of the officer pages. They parse what the browser sends; the rules (what is required, what a
procedure allows) stay in `motcua.dossiers.services`, whose `ValidationFailed.details` come back onto the
fields through `IntakeForm.add_domain_errors`."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from motcua.catalog.eform import eform_django_form
from motcua.catalog.enums import OnlineLevel, PaperKind
from motcua.catalog.models import ComponentRequirement, ProcedureVersion
from motcua.dossiers.enums import Action, ApplicantKind, Channel, ReturnMode
from motcua.dossiers.services import ApplicantData, DocumentData, IntakeData
from motcua.org.models import Unit
from motcua.workcal.calendar import LOCAL_TZ

from .uploads import upload_check, upload_normalise

INTAKE_ACTIONS = (Action.RECEIVE, Action.RETURN_FOR_COMPLETION, Action.REFUSE)
# Assisted online only: submit for the citizen and leave the reception to the online worklist.
SUBMIT_ONLY = Action.SUBMIT.value
ASSISTED_LEVELS = (OnlineLevel.END_TO_END, OnlineLevel.PARTIAL)
EFORM_PREFIX = "ef_"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d%m%Y", "%Y-%m-%d"]


def lines(text: str | None) -> list[str]:
    """One item per line, blank lines dropped (missing items for Forms 02)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _input(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "input", **attrs})


class IntakeForm(forms.Form):
    """One counter intake. Field order is the tab order on the page."""

    thu_tuc = forms.IntegerField(widget=forms.HiddenInput)
    receiving_unit = forms.ModelChoiceField(
        label=gettext_lazy("Nơi tiếp nhận"),
        queryset=Unit.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "select"}),
    )
    applicant_id_number = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân / mã số doanh nghiệp"),
        required=False,
        max_length=20,
        widget=_input(inputmode="numeric", spellcheck="false"),
    )
    applicant_name = forms.CharField(
        label=gettext_lazy("Họ tên người nộp / tên tổ chức"), required=False, max_length=255, widget=_input()
    )
    applicant_kind = forms.ChoiceField(
        label=gettext_lazy("Loại người nộp"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.Select(attrs={"class": "select"}),
    )
    # A text field, not <input type="date">: the browser would show its own locale's order (mm/dd/yyyy on
    # an English system), and officers type dates as Vietnamese papers print them.
    applicant_date_of_birth = forms.DateField(
        label=gettext_lazy("Ngày sinh (ngày/tháng/năm)"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"class": "input", "inputmode": "numeric"}, format="%d/%m/%Y"),
        error_messages={"invalid": gettext_lazy("Ngày sinh không hợp lệ: nhập theo dạng ngày/tháng/năm.")},
    )
    applicant_phone = forms.CharField(
        label=gettext_lazy("Số điện thoại"), required=False, max_length=20, widget=_input(type="tel")
    )
    applicant_email = forms.EmailField(
        label=gettext_lazy("Thư điện tử"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "input", "spellcheck": "false"}),
        error_messages={"invalid": gettext_lazy("Địa chỉ thư điện tử không hợp lệ.")},
    )
    applicant_address = forms.CharField(
        label=gettext_lazy("Địa chỉ"), required=False, max_length=500, widget=_input()
    )
    delegate_name = forms.CharField(
        label=gettext_lazy("Họ tên người được ủy quyền"), required=False, max_length=255, widget=_input()
    )
    delegate_id_number = forms.CharField(
        label=gettext_lazy("Số định danh người được ủy quyền"),
        required=False,
        max_length=20,
        widget=_input(inputmode="numeric"),
    )
    delegate_phone = forms.CharField(
        label=gettext_lazy("Điện thoại người được ủy quyền"),
        required=False,
        max_length=20,
        widget=_input(type="tel"),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Hình thức nộp"),
        choices=[
            (Channel.COUNTER.value, Channel.COUNTER.label),
            (Channel.POSTAL.value, Channel.POSTAL.label),
            (Channel.ASSISTED_ONLINE.value, Channel.ASSISTED_ONLINE.label),
        ],
        initial=Channel.COUNTER,
        widget=forms.Select(attrs={"class": "select"}),
    )
    # Postal intake (Decision 468/2021 postal fields); the service requires them for a postal dossier.
    postal_item_code = forms.CharField(
        label=gettext_lazy("Số hiệu bưu gửi"),
        required=False,
        max_length=40,
        widget=_input(spellcheck="false", autocapitalize="characters"),
    )
    postal_posted_on = forms.DateField(
        label=gettext_lazy("Ngày gửi (ngày/tháng/năm)"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"class": "input", "inputmode": "numeric"}, format="%d/%m/%Y"),
        error_messages={"invalid": gettext_lazy("Ngày gửi không hợp lệ: nhập theo dạng ngày/tháng/năm.")},
    )
    # Assisted online: the dossier joins the citizen's own account when one is found (verified phone or ID).
    link_account = forms.BooleanField(
        label=gettext_lazy(
            "Liên kết với tài khoản công dân của người nộp (tìm theo số định danh hoặc số điện thoại)"
        ),
        required=False,
    )
    return_mode = forms.ChoiceField(
        label=gettext_lazy("Nhận kết quả"),
        choices=ReturnMode.choices,
        initial=ReturnMode.COUNTER,
        widget=forms.Select(attrs={"class": "select"}),
    )
    return_address = forms.CharField(
        label=gettext_lazy("Địa chỉ nhận kết quả qua bưu chính"),
        required=False,
        max_length=500,
        widget=_input(),
    )
    competent_unit = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan giải quyết"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("— Chọn cơ quan —"),
        widget=forms.Select(attrs={"class": "select"}),
    )
    sets = forms.IntegerField(
        label=gettext_lazy("Số bộ hồ sơ"),
        min_value=1,
        max_value=99,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "input input--short", "min": 1, "max": 99}),
        error_messages={"invalid": gettext_lazy("Số bộ phải là số nguyên.")},
    )
    pages = forms.IntegerField(
        label=gettext_lazy("Số trang (tính phí)"),
        min_value=0,
        max_value=100000,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"class": "input input--short", "min": 0}),
        error_messages={"invalid": gettext_lazy("Số trang phải là số nguyên.")},
    )
    is_fee_exempt = forms.BooleanField(label=gettext_lazy("Miễn phí, lệ phí"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"class": "input", "rows": 2}),
    )
    missing_items = forms.CharField(
        label=gettext_lazy("Nội dung cần bổ sung, hoàn thiện (mỗi dòng một nội dung)"),
        required=False,
        widget=forms.Textarea(attrs={"class": "input", "rows": 3}),
    )
    refuse_reason = forms.CharField(
        label=gettext_lazy("Lý do từ chối tiếp nhận"),
        required=False,
        widget=forms.Textarea(attrs={"class": "input", "rows": 3}),
    )

    def __init__(self, *args, version: ProcedureVersion, receiving_units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.receiving_units = receiving_units
        self.fields["thu_tuc"].initial = version.pk
        self.fields["receiving_unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in receiving_units])
        self.fields["receiving_unit"].initial = receiving_units[0].pk if receiving_units else None
        self.show_receiving_unit = len(receiving_units) > 1
        if not self.show_receiving_unit:
            self.fields["receiving_unit"].widget = forms.HiddenInput()
        competent = list(version.competent_units.all())
        self.fields["competent_unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in competent])
        self.competent_units = competent
        self.show_competent_unit = len(competent) > 1
        channels = [(Channel.COUNTER.value, Channel.COUNTER.label)]
        if version.is_postal_intake_allowed:
            channels.append((Channel.POSTAL.value, Channel.POSTAL.label))
        self.is_assisted_allowed = version.online_level in ASSISTED_LEVELS
        if self.is_assisted_allowed:
            channels.append((Channel.ASSISTED_ONLINE.value, Channel.ASSISTED_ONLINE.label))
        self.fields["channel"].choices = channels
        self.is_postal_allowed = version.is_postal_intake_allowed
        # The procedure's e-form, filled only for an assisted online dossier; `eform_validate` judges it.
        self.eform_names: list[str] = []
        if self.is_assisted_allowed and version.eform_fields:
            for name, field in eform_django_form(version.eform_fields).base_fields.items():
                self.fields[f"{EFORM_PREFIX}{name}"] = field
                self.eform_names.append(name)
        if not version.is_postal_return_allowed:
            self.fields["return_mode"].choices = [
                (value, label) for value, label in ReturnMode.choices if value != ReturnMode.POSTAL
            ]
        self.components: list[ComponentRequirement] = list(version.components.all())
        for component in self.components:
            prefix = f"c{component.pk}"
            # Required papers start ticked: the officer unticks what is missing, which is the rarer case.
            self.fields[f"{prefix}_received"] = forms.BooleanField(
                label=gettext_lazy("Đã nhận"), required=False, initial=component.is_required
            )
            self.fields[f"{prefix}_kind"] = forms.ChoiceField(
                label=gettext_lazy("Loại bản"),
                choices=PaperKind.choices,
                initial=component.paper_kind,
                widget=forms.Select(attrs={"class": "select select--compact"}),
            )
            self.fields[f"{prefix}_quantity"] = forms.IntegerField(
                label=gettext_lazy("Số lượng"),
                min_value=0,
                max_value=99,
                initial=component.quantity,
                widget=forms.NumberInput(attrs={"class": "input input--tiny", "min": 0, "max": 99}),
                error_messages={"invalid": gettext_lazy("Số lượng phải là số nguyên.")},
            )
            self.fields[f"{prefix}_file"] = forms.FileField(
                label=gettext_lazy("Bản số hóa"),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={
                        "class": "file",
                        "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
                    }
                ),
            )

    # --- rendering helpers -------------------------------------------------------------------------------
    @property
    def component_rows(self) -> list[dict]:
        return [
            {
                "component": c,
                "received": self[f"c{c.pk}_received"],
                "kind": self[f"c{c.pk}_kind"],
                "quantity": self[f"c{c.pk}_quantity"],
                "file": self[f"c{c.pk}_file"],
            }
            for c in self.components
        ]

    def mark_invalid_fields(self) -> None:
        """aria-invalid and the error style on every field with an error, for assistive technology too."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}-error"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} input--error".strip()

    def error_items(self) -> list[tuple[str, str]]:
        """(anchor, message) pairs for the error summary, in page order; non-field errors go to the top."""
        items = [("intake-form", str(message)) for message in self.non_field_errors()]
        for name, field in self.fields.items():
            if name in self.errors and name != "__all__":
                target = f"id_{name}" if not isinstance(field.widget, forms.HiddenInput) else "intake-form"
                items.extend((target, str(message)) for message in self.errors[name])
        return items

    @property
    def eform_fields(self) -> list:
        return [self[f"{EFORM_PREFIX}{name}"] for name in self.eform_names]

    def eform_answers(self) -> dict:
        """The e-form as typed, for `eform_validate` to judge; blanks are left out."""
        answers = {}
        for name in self.eform_names:
            value = self.cleaned_data.get(f"{EFORM_PREFIX}{name}")
            if value not in (None, ""):
                answers[name] = value
        return answers

    def _field_for(self, key: str) -> str:
        if key.startswith("form_data."):
            return f"{EFORM_PREFIX}{key.split('.', 1)[1]}"
        if key.startswith("documents.") and key.split(".", 1)[1].isdigit():
            return f"c{key.split('.', 1)[1]}_file"
        return {"note": "refuse_reason", "owner": "link_account"}.get(key, key.replace(".", "_"))

    def add_domain_errors(self, details) -> None:
        """Put `ValidationFailed.details` ("applicant.name" → message) on the matching fields."""
        if isinstance(details, list):
            for message in details:
                self.add_error(None, str(message))
            return
        for key, message in (details or {}).items():
            name = self._field_for(key)
            hidden = name in self.fields and isinstance(self.fields[name].widget, forms.HiddenInput)
            if name in self.fields and not hidden:
                self.add_error(name, str(message))
            else:
                self.add_error(None, str(message))

    # --- cleaning ----------------------------------------------------------------------------------------
    def clean(self):
        cleaned = super().clean()
        for component in self.components:
            upload = cleaned.get(f"c{component.pk}_file")
            if not upload:
                continue
            problem = upload_check(upload)
            if problem:
                self.add_error(f"c{component.pk}_file", problem)
                continue
            upload_normalise(upload)
            # A scan of a paper is proof the paper was handed in.
            cleaned[f"c{component.pk}_received"] = True
        return cleaned

    def intake_data(self) -> IntakeData:
        data = self.cleaned_data
        documents = []
        for component in self.components:
            prefix = f"c{component.pk}"
            received = bool(data.get(f"{prefix}_received"))
            # Optional papers the applicant did not bring are not part of this dossier at all.
            if not received and not component.is_required:
                continue
            quantity = data.get(f"{prefix}_quantity")
            documents.append(
                DocumentData(
                    name=component.name,
                    paper_kind=data.get(f"{prefix}_kind") or component.paper_kind,
                    quantity=quantity if quantity is not None else 1,
                    requirement_id=component.pk,
                    is_received=received,
                    upload=data.get(f"{prefix}_file") or None,
                )
            )
        return IntakeData(
            procedure_version=self.version,
            receiving_unit=data["receiving_unit"],
            competent_unit=data.get("competent_unit"),
            applicant=ApplicantData(
                kind=data.get("applicant_kind") or ApplicantKind.PERSON,
                name=data.get("applicant_name", ""),
                id_number=data.get("applicant_id_number", "").strip(),
                date_of_birth=data.get("applicant_date_of_birth"),
                phone=data.get("applicant_phone", "").strip(),
                email=data.get("applicant_email", ""),
                address=data.get("applicant_address", "").strip(),
            ),
            channel=data.get("channel") or Channel.COUNTER,
            postal_item_code=data.get("postal_item_code", "").strip(),
            postal_posted_on=data.get("postal_posted_on"),
            form_data=self.eform_answers() if data.get("channel") == Channel.ASSISTED_ONLINE else {},
            return_mode=data.get("return_mode") or ReturnMode.COUNTER,
            return_address=data.get("return_address", "").strip(),
            documents=documents,
            delegate_name=data.get("delegate_name", "").strip(),
            delegate_id_number=data.get("delegate_id_number", "").strip(),
            delegate_phone=data.get("delegate_phone", "").strip(),
            sets=data.get("sets") or 1,
            pages=data.get("pages") or 0,
            is_fee_exempt=bool(data.get("is_fee_exempt")),
            note=data.get("note", "").strip(),
        )


def parse_local_datetime(value: str | None) -> datetime | None:
    """`<input type="datetime-local">` sends a wall-clock time; the centre's wall clock is Vietnam's."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed


def action_arguments(action: str, post) -> tuple[str, dict]:
    """(note, fields) for `dossier_transition` from a dossier-page action form."""
    note = post.get("note", "")
    fields: dict = {}
    if action in (Action.REQUEST_SUPPLEMENT, Action.RETURN_FOR_COMPLETION):
        fields["missing_items"] = lines(post.get("missing_items"))
    if action in (Action.ASSIGN, Action.FORWARD):
        username = (post.get("assignee") or "").strip()
        if username:
            fields["assignee"] = username
    if action == Action.SEND_BACK:
        to_step = (post.get("to_step") or "").strip()
        if to_step.isdigit():
            fields["to_step"] = int(to_step)
    if action == Action.EXTEND:
        fields["new_due_at"] = parse_local_datetime(post.get("new_due_at"))
    return note, fields
