"""The online e-form of a procedure version, as data (`ProcedureVersion.eform_fields`), and its one validator.

A field definition is a dict:

    {"name": "ho_ten_cha",          # key in Dossier.form_data; letters, digits, "_" (required)
     "label": "Họ tên cha",         # the question, as the citizen reads it (required)
     "type": "text",                # text | textarea | date | number | select | checkbox | email | phone
     "required": true,              # default false
     "help": "Ghi đầy đủ, có dấu", # hint under the label
     "max_length": 200,             # text/textarea; default 200 (text) or 2000 (textarea)
     "choices": ["Nam", "Nữ"],      # select: values, or [value, label] pairs
     "min": 0, "max": 1000,         # number
     "group": "Thông tin người cha"} # page heading: consecutive fields of one group share a page

Every interface (portal wizard, API, back office) validates answers through `eform_validate`, so a rule is
written once and the server is the judge: the browser's own checks are only a convenience."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_TYPES = ("text", "textarea", "date", "number", "select", "checkbox", "email", "phone")
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
TRUE_VALUES = {"on", "true", "1", "yes", "co", "có"}
DEFAULT_GROUP = gettext_lazy("Nội dung tờ khai")


def _choices(definition: dict) -> list[tuple[str, str]]:
    pairs = []
    for choice in definition.get("choices") or []:
        if isinstance(choice, list | tuple) and len(choice) == 2:
            pairs.append((str(choice[0]), str(choice[1])))
        else:
            pairs.append((str(choice), str(choice)))
    return pairs


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _clean_date(raw) -> str:
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    text = str(raw).strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(text)


def _clean_number(raw):
    text = str(raw).strip().replace(" ", "")
    # Vietnamese writes 1.500.000 and 1.500,5: with a comma, dots group thousands; without one, dots group
    # thousands when every group after them has three digits ("1.500" is fifteen hundred, "12.5" a decimal).
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif "." in text and all(len(group) == 3 and group.isdigit() for group in text.split(".")[1:]):
        text = text.replace(".", "")
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def _field_error(definition: dict, raw) -> tuple[object, str | None]:
    """(cleaned value, error message or None) for one answer that is not empty."""
    kind = definition.get("type", "text")
    label = definition.get("label") or definition["name"]
    if kind in ("text", "textarea"):
        text = str(raw).strip()
        limit = int(definition.get("max_length") or DEFAULT_MAX_LENGTH[kind])
        if len(text) > limit:
            return None, _("%(label)s không được dài quá %(limit)s ký tự.") % {"label": label, "limit": limit}
        return text, None
    if kind == "date":
        try:
            return _clean_date(raw), None
        except ValueError:
            return None, _("%(label)s phải là một ngày có thật, ví dụ 25/03/1990.") % {"label": label}
    if kind == "number":
        try:
            value = _clean_number(raw)
        except (InvalidOperation, ValueError):
            return None, _("%(label)s phải là một số, ví dụ 12 hoặc 12,5.") % {"label": label}
        low, high = definition.get("min"), definition.get("max")
        if low is not None and value < Decimal(str(low)):
            return None, _("%(label)s phải từ %(min)s trở lên.") % {"label": label, "min": low}
        if high is not None and value > Decimal(str(high)):
            return None, _("%(label)s phải từ %(max)s trở xuống.") % {"label": label, "max": high}
        return (int(value) if value == value.to_integral_value() else float(value)), None
    if kind == "select":
        values = {value for value, _label in _choices(definition)}
        if str(raw) not in values:
            return None, _("Chọn %(label)s trong danh sách.") % {"label": label.lower()}
        return str(raw), None
    if kind == "email":
        text = str(raw).strip()
        try:
            validate_email(text)
        except ValidationError:
            return None, _("Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.vn.")
        return text, None
    if kind == "phone":
        digits = re.sub(r"\D", "", str(raw))
        if not 9 <= len(digits) <= 12:
            return None, _("%(label)s phải có 9 đến 12 chữ số, ví dụ 0912 345 678.") % {"label": label}
        return digits, None
    return None, _("Loại trường “%(kind)s” không được hỗ trợ.") % {"kind": kind}


def _missing_message(definition: dict) -> str:
    label = definition.get("label") or definition["name"]
    kind = definition.get("type", "text")
    if kind == "select":
        return _("Chọn %(label)s.") % {"label": label.lower()}
    if kind == "checkbox":
        return _("Đánh dấu vào ô “%(label)s” để tiếp tục.") % {"label": label}
    return _("Nhập %(label)s.") % {"label": label.lower()}


def eform_validate(fields: list[dict], data: dict, *, partial: bool = False) -> tuple[dict, dict]:
    """(cleaned, errors) for answers `data` to the definitions `fields`, both keyed by field name.

    `partial=True` checks only the answers given (a draft saved half-way); otherwise a required field left
    empty is an error. Answers to unknown names are left out of `cleaned`: callers that must refuse them
    compare keys themselves (see `eform_unknown_names`)."""
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for definition in fields:
        name = definition["name"]
        kind = definition.get("type", "text")
        required = bool(definition.get("required")) and not partial
        if partial and name not in data:
            continue
        raw = data.get(name)
        if kind == "checkbox":
            ticked = raw if isinstance(raw, bool) else str(raw or "").strip().lower() in TRUE_VALUES
            if required and not ticked:
                errors[name] = _missing_message(definition)
            else:
                cleaned[name] = ticked
            continue
        if _is_empty(raw):
            if required:
                errors[name] = _missing_message(definition)
            elif name in data:
                cleaned[name] = ""
            continue
        value, error = _field_error(definition, raw)
        if error:
            errors[name] = error
        else:
            cleaned[name] = value
    return cleaned, errors


def eform_unknown_names(fields: list[dict], data: dict) -> list[str]:
    known = {definition["name"] for definition in fields}
    return [name for name in data if name not in known]


def eform_definition_problems(fields) -> list[str]:
    """What is wrong with a list of definitions (for the catalogue admin), in Vietnamese; [] when usable."""
    if not isinstance(fields, list):
        return [_("Tờ khai điện tử phải là một danh sách các trường.")]
    problems = []
    seen: set[str] = set()
    for index, definition in enumerate(fields, start=1):
        if not isinstance(definition, dict):
            problems.append(_("Trường thứ %(n)s không phải là một đối tượng.") % {"n": index})
            continue
        name = definition.get("name", "")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            problems.append(
                _("Trường thứ %(n)s: tên “%(name)s” chỉ gồm chữ thường không dấu, số và dấu gạch dưới.")
                % {"n": index, "name": name}
            )
        elif name in seen:
            problems.append(_("Tên trường “%(name)s” bị lặp.") % {"name": name})
        seen.add(str(name))
        if not str(definition.get("label") or "").strip():
            problems.append(_("Trường “%(name)s” chưa có nhãn (câu hỏi).") % {"name": name})
        kind = definition.get("type", "text")
        if kind not in FIELD_TYPES:
            problems.append(
                _("Trường “%(name)s”: loại “%(kind)s” không hợp lệ.") % {"name": name, "kind": kind}
            )
        if kind == "select" and not _choices(definition):
            problems.append(_("Trường “%(name)s” là danh sách chọn nhưng chưa có lựa chọn.") % {"name": name})
    return problems


@dataclass(frozen=True)
class EformPage:
    number: int  # 1-based, as in the page's address
    title: str
    fields: list[dict]


def eform_pages(fields: list[dict]) -> list[EformPage]:
    """Consecutive fields of one "group" form one page (GOV.UK: one thing per page)."""
    pages: list[EformPage] = []
    for definition in fields:
        title = str(definition.get("group") or DEFAULT_GROUP)
        if pages and pages[-1].title == title:
            pages[-1].fields.append(definition)
        else:
            pages.append(EformPage(number=len(pages) + 1, title=title, fields=[definition]))
    return pages


def eform_display_value(definition: dict, value) -> str:
    """An answer as the check-answers page and the officer read it."""
    kind = definition.get("type", "text")
    if _is_empty(value):
        return ""
    if kind == "checkbox":
        return _("Có") if value else _("Không")
    if kind == "date":
        try:
            return datetime.strptime(str(value), "%Y-%m-%d").strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if kind == "select":
        return dict(_choices(definition)).get(str(value), str(value))
    if kind == "number":
        return str(value).replace(".", ",")
    return str(value)


# --- the Django form built from the definitions --------------------------------------------------------------
class EformForm(forms.Form):
    """A page of the e-form. Fields render with the right widget; validation is `eform_validate`'s alone."""

    definitions: list[dict] = []

    def clean(self):
        cleaned = super().clean()
        data = {}
        for definition in self.definitions:
            name = definition["name"]
            if definition.get("type") == "checkbox":
                data[name] = bool(cleaned.get(name))
            else:
                data[name] = cleaned.get(name, "")
        values, errors = eform_validate(self.definitions, data)
        for name, message in errors.items():
            self.add_error(name, message)
        self.answers = values
        return cleaned


def _widget(definition: dict) -> forms.Widget:
    kind = definition.get("type", "text")
    attrs = {"class": "input"}
    if kind == "textarea":
        return forms.Textarea(attrs={**attrs, "rows": 4})
    if kind == "date":
        # The phone's own date picker; a browser without one still sends text the server understands.
        return forms.DateInput(attrs={**attrs, "type": "date", "class": "input input--width-10"})
    if kind == "number":
        return forms.TextInput(attrs={**attrs, "inputmode": "decimal", "class": "input input--width-10"})
    if kind == "select":
        return forms.Select(attrs={"class": "select"})
    if kind == "checkbox":
        return forms.CheckboxInput(attrs={"class": "checkbox__input"})
    if kind == "email":
        return forms.EmailInput(attrs={**attrs, "autocomplete": "email", "spellcheck": "false"})
    if kind == "phone":
        return forms.TextInput(
            attrs={**attrs, "type": "tel", "autocomplete": "tel", "class": "input input--width-20"}
        )
    return forms.TextInput(attrs=attrs)


def eform_django_form(fields: list[dict]) -> type[EformForm]:
    """A form class for these definitions (one page). Every field is text on the way in (so a wrong answer
    comes back as typed); `clean()` hands the answers to `eform_validate`, and `form.answers` holds them."""
    declared: dict[str, forms.Field] = {}
    for definition in fields:
        kind = definition.get("type", "text")
        label = definition.get("label") or definition["name"]
        common = {"label": label, "required": False, "help_text": definition.get("help", "")}
        if kind == "checkbox":
            declared[definition["name"]] = forms.BooleanField(widget=_widget(definition), **common)
        elif kind == "select":
            choices = [("", _("— Chọn —")), *_choices(definition)]
            declared[definition["name"]] = forms.ChoiceField(
                choices=choices, widget=_widget(definition), **common
            )
            # The choice is checked by `eform_validate`, with its own message.
            declared[definition["name"]].valid_value = lambda value: True
        else:
            declared[definition["name"]] = forms.CharField(widget=_widget(definition), strip=False, **common)
        declared[definition["name"]].eform_type = kind
        declared[definition["name"]].is_required_answer = bool(definition.get("required"))
    return type("EformPageForm", (EformForm,), {**declared, "definitions": list(fields)})


def eform_initial(fields: list[dict], form_data: dict) -> dict:
    """Stored answers as the form's initial values (dates stay ISO for the date input)."""
    return {d["name"]: form_data.get(d["name"]) for d in fields if d["name"] in (form_data or {})}
