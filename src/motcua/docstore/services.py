"""Writes to the citizen's document store (Decree 45/2020 Art. 14–15: "kho quản lý dữ liệu điện tử của tổ
chức, cá nhân"). A stored document points at a file that already exists (a submitted scan, a signed result):
the file is shared, never copied, so a document kept once costs no extra space."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from motcua.core.exceptions import ValidationFailed

from .models import StoredDocument


def stored_document_add(
    *,
    owner,
    kind: str,
    name: str,
    file_name: str,
    content_type: str,
    size: int,
    sha256: str,
    source_dossier=None,
    component_name: str = "",
) -> StoredDocument:
    """Keep a document in `owner`'s store; the same content of the same kind is kept once (the existing row
    is returned, and learns the component it answered if it did not know it yet)."""
    if owner is None or not getattr(owner, "pk", None):
        raise ValidationFailed("Chỉ lưu được giấy tờ vào kho dữ liệu của một tài khoản công dân.")
    if kind not in StoredDocument.Kind.values:
        raise ValidationFailed(f"Loại giấy tờ “{kind}” không hợp lệ.")
    if not file_name or not sha256:
        raise ValidationFailed("Giấy tờ lưu vào kho phải có tệp.")
    existing = StoredDocument.objects.filter(owner=owner, sha256=sha256, kind=kind).first()
    if existing is None:
        document = StoredDocument(
            owner=owner,
            kind=kind,
            name=(name or "").strip()[:300] or "Giấy tờ",
            component_name=(component_name or "")[:500],
            content_type=content_type or "",
            size=size or 0,
            sha256=sha256,
            source_dossier=source_dossier,
        )
        document.file.name = file_name
        try:
            # A savepoint: two submissions of the same scan at once leave one row, not a failed transaction.
            with transaction.atomic():
                document.save()
            return document
        except IntegrityError:
            existing = StoredDocument.objects.get(owner=owner, sha256=sha256, kind=kind)
    if component_name and not existing.component_name:
        existing.component_name = component_name[:500]
        existing.save(update_fields=["component_name"])
    return existing
