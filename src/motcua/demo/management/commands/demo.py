import logging
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.models import User
from motcua.demo.loader import DEMO_PASSWORD, demo_accounts

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Chạy bản trình diễn: cập nhật cơ sở dữ liệu, nạp dữ liệu trình diễn, in các tài khoản và phục vụ "
        "tại http://127.0.0.1:PORT/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="Cổng phục vụ (mặc định 8000).")
        parser.add_argument(
            "--no-serve", action="store_true", help="Chỉ cập nhật và nạp dữ liệu, không chạy máy chủ."
        )

    def handle(self, *args, port: int, no_serve: bool, verbosity: int, **options):
        if not 0 < port < 65536:
            raise CommandError(f"Cổng {port} không hợp lệ (1–65535).")
        self.stdout.write("Cập nhật cơ sở dữ liệu…")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0), stdout=self.stdout)
        call_command("demo_load", verbosity=verbosity, stdout=self.stdout)
        # Electronic results: demo certificates (marked as having no legal value), then the online results.
        call_command("demo_certificates", verbosity=verbosity, stdout=self.stdout)
        from motcua.demo.results import demo_results_sign

        demo_results_sign()
        # Ratings after return, so that the dashboard's satisfaction figures and the 766 group have data.
        from motcua.demo.ratings import demo_ratings_load

        demo_ratings_load()
        # Counter services (issue #6): queue, appointments, petitions, payments.
        from motcua.appointments.demo import demo_load as appointments_demo
        from motcua.payments.demo import demo_load as payments_demo
        from motcua.petitions.demo import demo_load as petitions_demo
        from motcua.queues.demo import demo_load as queues_demo

        for loader in (queues_demo, appointments_demo, petitions_demo, payments_demo):
            loader()
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write("")
        self.stdout.write(self._accounts_table())
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Trang công dân: {url}"))
        self.stdout.write(f"Trang quản trị: {url}quan-tri/")
        self.stdout.write(f"API: {url}api/v1/docs")
        if no_serve:
            return
        # DEBUG is off by default and runserver then serves no static files: WhiteNoise (in MIDDLEWARE, with
        # finders) does, as in production. --insecure is not used because runserver's handler would shadow it.
        # WhiteNoise warns about a missing STATIC_ROOT even though it serves from the finders.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        if not settings.CELERY_BROKER_URL:
            # On a bare machine nobody runs `motcua worker`: without this the verification code of a new
            # account would never reach data/outbox/ and registration could not be tried.
            self._deliver_in_background()
            self.stdout.write(
                f"Thư điện tử và SMS của bản trình diễn được ghi vào {settings.MOTCUA_OUTBOX_DIR}/."
            )
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def _deliver_in_background(self) -> None:
        import threading
        import time

        from django.db import close_old_connections

        from motcua.notifications.delivery import outbox_deliver_due

        # A line per message (the demo's history sends hundreds at start) would drown the server's console.
        logging.getLogger("motcua.notifications").setLevel(logging.WARNING)

        def deliver_forever() -> None:
            while True:
                close_old_connections()
                try:
                    outbox_deliver_due()
                except Exception:  # noqa: BLE001 - the demo server must keep running; the rows stay pending
                    logger.exception("demo: outbox delivery pass failed")
                time.sleep(3)

        threading.Thread(target=deliver_forever, name="demo-outbox", daemon=True).start()

    def _accounts_table(self) -> str:
        rows = [("Tài khoản", "Mật khẩu", "Vai trò", "Đơn vị")]
        changed = []
        for account in demo_accounts():
            rows.append((account["username"], DEMO_PASSWORD, account["role"], account["unit"]))
            user = User.objects.get(username=account["username"])
            if not user.check_password(DEMO_PASSWORD):
                changed.append(account["username"])
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = ["Tài khoản trình diễn:"]
        for index, row in enumerate(rows):
            lines.append(
                "  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
            )
            if index == 0:
                lines.append("  " + "  ".join("-" * w for w in widths) + "  " + "-" * 20)
        if changed:
            lines.append(
                "Lưu ý: mật khẩu của " + ", ".join(changed) + f" đã được đổi, không còn là {DEMO_PASSWORD}."
            )
        return "\n".join(lines)
