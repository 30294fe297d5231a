"""Reads of the citizen's document store, always scoped to the owner: another person's document looks
exactly like one that does not exist."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.core.exceptions import NotFound
from motcua.core.text import fold

from .models import StoredDocument


def stored_document_list_for_owner(*, owner) -> QuerySet[StoredDocument]:
    if not getattr(owner, "is_authenticated", False):
        return StoredDocument.objects.none()
    return StoredDocument.objects.filter(owner=owner).order_by("-created_at", "-id")


def stored_document_get_for_owner(*, owner, document_id) -> StoredDocument:
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        document_id = None
    document = (
        stored_document_list_for_owner(owner=owner).filter(pk=document_id).first() if document_id else None
    )
    if document is None:
        raise NotFound("Không tìm thấy giấy tờ trong kho dữ liệu của bạn.")
    return document


def stored_document_choices_for_component(*, owner, component_name: str) -> list[tuple[StoredDocument, bool]]:
    """Every document of the owner, those kept for the same component first: (document, is_match).
    Names are compared without diacritics or case, since the same paper is spelt differently over time."""
    wanted = fold(component_name)
    documents = list(stored_document_list_for_owner(owner=owner)[:100])
    rows = [
        (document, bool(wanted) and fold(document.component_name or document.name) == wanted)
        for document in documents
    ]
    return sorted(rows, key=lambda row: not row[1])
