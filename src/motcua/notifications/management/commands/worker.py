"""`motcua worker`: delivers the notification outbox without Celery (small installations, cron, tests).

It may run beside Celery workers or other `motcua worker` processes: claims are leased per row."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.translation import gettext as _

from motcua.notifications.delivery import DeliveryCounts, outbox_deliver_due


class Command(BaseCommand):
    help = _("Gửi các thông báo (thư điện tử, SMS) đến hạn gửi; chạy liên tục hoặc một lượt với --once.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help=_("Gửi hết các thông báo đang đến hạn rồi dừng (cho cron).")
        )
        parser.add_argument(
            "--interval", type=float, default=10.0, help=_("Số giây nghỉ giữa hai lượt khi không còn việc.")
        )
        parser.add_argument("--limit", type=int, default=100, help=_("Số thông báo tối đa mỗi lượt."))

    def handle(self, *args, once: bool, interval: float, limit: int, **options):
        self._stopping = False
        if not once:
            # Finish the message in hand on SIGTERM/SIGINT, so a restart never cuts a send in half.
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        total = DeliveryCounts()
        while not self._stopping:
            if not connection.in_atomic_block:
                # A long-running loop drops connections the database closed or that grew too old; inside a
                # caller's transaction (a test's) the connection is not ours to close.
                close_old_connections()
            counts = outbox_deliver_due(limit=limit)
            for name, value in counts.as_dict().items():
                setattr(total, name, getattr(total, name) + value)
            if counts.claimed and not once:
                self._report(counts)
            if counts.claimed >= limit:
                continue  # more are due: no pause
            if once:
                break
            self._sleep(interval)
        if once:
            self._report(total)

    def _report(self, counts: DeliveryCounts) -> None:
        self.stdout.write(
            _("Đã gửi %(sent)d, sẽ gửi lại %(retried)d, thất bại %(failed)d, hoãn %(deferred)d.")
            % counts.as_dict()
        )

    def _stop(self, signum, frame) -> None:
        self._stopping = True

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            time.sleep(min(0.5, seconds))
