"""`motcua verify-history` (or `verify_history`): check every dossier's hash-chained history (docs/history.md).
Exit 0 when every chain is whole, 1 when any row was edited, inserted or deleted."""

import time
from datetime import datetime
from datetime import time as day_time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from motcua.dossiers.history import (
    EVENT_COLUMNS,
    AnchorReader,
    AnchorWriter,
    Problem,
    anchor_check,
    dossier_chain_check,
    history_seal_unsealed,
    history_walk,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.workcal.calendar import LOCAL_TZ


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi mã băm của lịch sử xử lý hồ sơ: báo mọi dòng bị sửa, chèn thêm hoặc xoá. "
        "Mã thoát 0: toàn vẹn; 1: có sai lệch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossier", metavar="MÃ", help="Chỉ kiểm tra hồ sơ có mã này.")
        parser.add_argument(
            "--since", metavar="YYYY-MM-DD", help="Chỉ kiểm tra hồ sơ tạo từ ngày này (giờ Việt Nam)."
        )
        parser.add_argument(
            "--export",
            metavar="TỆP",
            help="Ghi mốc (số dòng, mã băm cuối) của mọi hồ sơ ra tệp (.gz để nén) để cất ngoài máy chủ.",
        )
        parser.add_argument(
            "--against",
            metavar="TỆP",
            help="Đối chiếu với một tệp mốc đã xuất: phát hiện hồ sơ bị xoá hẳn hoặc lịch sử bị tính lại mã băm.",
        )
        parser.add_argument(
            "--seal-existing",
            action="store_true",
            help="Niêm phong lịch sử ghi trước khi có chuỗi mã băm (cơ sở dữ liệu nâng cấp, khôi phục bản cũ).",
        )
        parser.add_argument("--chunk", type=int, default=5000, help="Số dòng đọc mỗi lần (mặc định 5000).")

    def handle(
        self, *args, dossier=None, since=None, export=None, against=None, seal_existing=False, **options
    ):
        if seal_existing:
            self._seal()
            return
        if export and (dossier or since):
            raise CommandError("--export ghi mốc của mọi hồ sơ: không dùng cùng --dossier hay --since.")
        if against and (dossier or since):
            raise CommandError("--against đối chiếu mọi hồ sơ: không dùng cùng --dossier hay --since.")
        dossiers = Dossier.objects.all()
        if dossier:
            dossiers = dossiers.filter(code=dossier)
            if not dossiers.exists():
                raise CommandError(f"Không có hồ sơ mã {dossier}.")
        if since:
            day = parse_date(since)
            if day is None:
                raise CommandError(f"Ngày không hợp lệ: {since} (dạng YYYY-MM-DD).")
            dossiers = dossiers.filter(created_at__gte=datetime.combine(day, day_time(0), tzinfo=LOCAL_TZ))
        columns = ("id", "code", "history_count", "history_head", *(f"events__{c}" for c in EVENT_COLUMNS))
        # One statement over dossiers LEFT JOIN events: one snapshot (an intake committing meanwhile cannot make
        # a dossier's anchor and its rows disagree) read through a server-side cursor, memory bounded.
        rows = dossiers.order_by("id", "events__seq", "events__id").values_list(*columns)
        started = time.monotonic()
        writer = AnchorWriter(Path(export), at=timezone.now()) if export else None
        reader = self._reader(against)
        checked_dossiers = checked_events = problems = 0
        # A transaction keeps PostgreSQL's server-side cursor open without WITH HOLD.
        with transaction.atomic():
            for dossier_id, code, count, head, events in history_walk(
                rows.iterator(chunk_size=options["chunk"])
            ):
                found, hashes = dossier_chain_check(dossier_id, code, count, head, events)
                if reader is not None:
                    found += self._gone(reader.before(dossier_id))
                    anchor = reader.take(dossier_id)
                    if anchor is not None:
                        mismatch = anchor_check(dossier_id, code, hashes, anchor)
                        if mismatch is not None:
                            found.append(mismatch)
                if writer is not None:
                    writer.add(dossier_id, code, count, head)
                for problem in found:
                    self.stdout.write(self.style.ERROR(str(problem)))
                problems += len(found)
                checked_dossiers += 1
                checked_events += len(events)
        if reader is not None:
            gone = self._gone(reader.before(None))
            for problem in gone:
                self.stdout.write(self.style.ERROR(str(problem)))
            problems += len(gone)
            reader.close()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Đã kiểm tra {_number(checked_dossiers)} hồ sơ, {_number(checked_events)} dòng lịch sử "
            f"trong {seconds:.1f} giây."
        )
        if writer is not None:
            digest = writer.close()
            self.stdout.write(
                f"Đã ghi mốc của {writer.rows} hồ sơ vào {export}; SHA-256 của tệp: {digest} "
                "(ghi lại mã này ở nơi khác máy chủ)."
            )
        if problems:
            self.stdout.write(self.style.ERROR(f"KẾT LUẬN: CÓ SAI LỆCH — {problems} lỗi."))
            raise SystemExit(1)
        self.stdout.write(
            self.style.SUCCESS("KẾT LUẬN: TOÀN VẸN — không dòng nào bị sửa, chèn thêm hay xoá.")
        )

    def _reader(self, against):
        if not against:
            return None
        try:
            return AnchorReader(Path(against))
        except (OSError, ValueError) as error:
            raise CommandError(f"Không đọc được tệp mốc {against}: {error}") from error

    @staticmethod
    def _gone(anchors) -> list[Problem]:
        return [
            Problem(
                dossier_id,
                code or f"#{dossier_id}",
                None,
                f"có trong tệp mốc ({count} dòng) nhưng đã bị xoá hẳn.",
            )
            for dossier_id, code, count, _head in anchors
        ]

    def _seal(self) -> None:
        with transaction.atomic():
            dossiers, events, refused = history_seal_unsealed(Dossier, DossierEvent)
        self.stdout.write(f"Đã niêm phong {dossiers} hồ sơ, {events} dòng lịch sử.")
        for dossier_id in refused:
            self.stdout.write(
                self.style.ERROR(
                    f"Hồ sơ id {dossier_id}: có dòng đã mang mã băm nhưng hồ sơ chưa có mốc; không niêm phong, "
                    "cần xem xét."
                )
            )
        if refused:
            raise SystemExit(1)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")
