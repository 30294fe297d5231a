from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Message, MessageStatus
from .services import message_requeue


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """For support staff: what went out, what is waiting and why. Rows are written by the system and never
    edited here; a failed message can be sent again once its cause is fixed."""

    list_display = (
        "created_at",
        "event",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "dossier",
    )
    list_filter = ("status", "channel", "event")
    search_fields = ("dossier__code", "dedupe_key", "provider_reference")
    date_hierarchy = "created_at"
    list_select_related = ("dossier",)
    actions = ("requeue",)
    readonly_fields = [field.name for field in Message._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The outbox is the record of what the citizen was told.
        return False

    @admin.action(description=_("Gửi lại"), permissions=["change"])
    def requeue(self, request, queryset):
        failed = list(queryset.filter(status=MessageStatus.FAILED).values_list("pk", flat=True))
        count = message_requeue(message_ids=failed)
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext(
                "Đã đưa %(count)d thông báo vào hàng đợi gửi lại.",
                "Đã đưa %(count)d thông báo vào hàng đợi gửi lại.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                _(
                    "Chỉ gửi lại được thông báo ở trạng thái “Gửi không thành công”; bỏ qua %(count)d thông báo."
                )
                % {"count": skipped},
                messages.WARNING,
            )
