"""Reading the outbox."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Message


def message_list_for_user(*, user, limit: int = 20) -> QuerySet[Message]:
    """The notifications sent or to be sent to `user` (as a dossier's owner), newest first. Only the user's
    own rows: nothing else is reachable through this selector."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return Message.objects.none()
    return (
        Message.objects.filter(user=user)
        .select_related("dossier")
        .only(
            "id",
            "event",
            "channel",
            "recipient",
            "subject",
            "body",
            "status",
            "created_at",
            "sent_at",
            "dossier__id",
            "dossier__code",
        )
        .order_by("-created_at", "-id")[:limit]
    )
