"""Queue tickets of a service centre: groups of services, the daily numbering, each ticket's life and its
history rows. Counters are `org.Counter`; a group names the counters that serve it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Field
from motcua.dossiers.models import Dossier
from motcua.org.models import Counter, Unit

from .enums import PriorityReason, TicketAction, TicketSource, TicketStatus


class ServiceGroup(models.Model):
    """A line of the kiosk (“Hộ tịch – Chứng thực”): its letter prefixes the ticket numbers."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="queue_groups", verbose_name=_("đơn vị")
    )
    code = models.CharField(
        _("chữ cái"), max_length=2, help_text=_("Tiền tố của số thứ tự, ví dụ A cho A012.")
    )
    name = models.CharField(_("tên nhóm dịch vụ"), max_length=200)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    fields = models.ManyToManyField(
        Field, blank=True, related_name="queue_groups", verbose_name=_("lĩnh vực")
    )
    counters = models.ManyToManyField(
        Counter, blank=True, related_name="queue_groups", verbose_name=_("quầy phục vụ")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("nhóm dịch vụ xếp hàng")
        verbose_name_plural = _("nhóm dịch vụ xếp hàng")
        ordering = ["unit", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="servicegroup_unique_code_per_unit"),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{1,2}$"), name="servicegroup_code_letters"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class TicketSequence(models.Model):
    """Daily counter per unit and group letter behind `A001`, `A002`…; incremented by an atomic upsert in the
    issuing transaction, so two kiosks never print the same number."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    prefix = models.CharField(max_length=2)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day", "prefix"], name="ticketsequence_unique_unit_day_prefix"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.day}/{self.prefix}: {self.last}"


class Ticket(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    group = models.ForeignKey(
        ServiceGroup, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("nhóm dịch vụ")
    )
    day = models.DateField(_("ngày"))
    number = models.CharField(_("số thứ tự"), max_length=8)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    source = models.CharField(_("nguồn"), max_length=16, choices=TicketSource.choices)
    priority_reason = models.CharField(
        _("đối tượng ưu tiên"), max_length=16, choices=PriorityReason.choices, blank=True
    )
    # Personal data of a booked appointment: shown to the officer, never on the board or the kiosk.
    holder_name = models.CharField(_("người lấy số"), max_length=200, blank=True)
    reference = models.CharField(_("mã lịch hẹn"), max_length=60, blank=True)
    estimated_wait_minutes = models.PositiveIntegerField(_("thời gian chờ dự kiến (phút)"), default=0)
    issued_at = models.DateTimeField(_("lấy số lúc"))
    called_at = models.DateTimeField(_("gọi lần đầu lúc"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("gọi gần nhất lúc"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("số lần gọi"), default=0)
    served_at = models.DateTimeField(_("bắt đầu phục vụ lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    counter = models.ForeignKey(
        Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("quầy")
    )
    # After a transfer to one named counter, only that counter calls the ticket.
    target_counter = models.ForeignKey(
        Counter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chuyển đến quầy"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ"),
    )
    dossiers = models.ManyToManyField(
        Dossier, blank=True, related_name="queue_tickets", verbose_name=_("hồ sơ đã tiếp nhận")
    )

    class Meta:
        verbose_name = _("số thứ tự")
        verbose_name_plural = _("số thứ tự")
        ordering = ["-day", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day", "number"], name="ticket_unique_number_per_unit_day"
            ),
            # One ticket on a counter's display at a time.
            models.UniqueConstraint(
                fields=["counter"],
                condition=models.Q(status__in=["called", "serving"]),
                name="ticket_one_open_per_counter",
            ),
        ]
        indexes = [models.Index(fields=["unit", "day", "status"], name="ticket_unit_day_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_priority(self) -> bool:
        return bool(self.priority_reason)


class TicketEvent(models.Model):
    """One row per change of a ticket: who did what at which counter, for the figures and disputes."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=TicketAction.choices)
    at = models.DateTimeField()
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action} {self.at:%H:%M}"
