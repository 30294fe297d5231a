from django.core.management.base import BaseCommand

from motcua.demo.dossiers import demo_dossiers_load
from motcua.demo.loader import AGENCY_CODES_NOTE, DEMO_PASSWORD, demo_load

LABELS = {
    "units": "Đơn vị",
    "counters": "Quầy tiếp nhận",
    "users": "Người dùng",
    "staff_roles": "Vai trò cán bộ",
    "fields": "Lĩnh vực",
    "procedures": "Thủ tục hành chính (công bố mới)",
    "procedures_skipped": "Thủ tục đã có phiên bản hiệu lực (giữ nguyên)",
    "dossiers": "Hồ sơ trình diễn (3 tháng gần đây)",
}


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu trình diễn: tỉnh Cà Mau (H12), cán bộ, 24 thủ tục hành chính thật và khoảng 200 hồ sơ. "
        "Chạy lại không thay đổi gì."
    )

    def handle(self, *args, **options):
        counts = demo_load()
        # Dossiers only once, on an empty register: a rerun must change nothing.
        counts["dossiers"] = demo_dossiers_load()["dossiers"]
        created = sum(value for key, value in counts.items() if key != "procedures_skipped")
        self.stdout.write("Dữ liệu trình diễn — số bản ghi tạo mới:")
        for key, label in LABELS.items():
            self.stdout.write(f"  {label}: {counts[key]}")
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"Đã nạp dữ liệu trình diễn (mật khẩu mọi tài khoản: {DEMO_PASSWORD}).")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Dữ liệu trình diễn đã có sẵn; không thay đổi gì."))
        self.stdout.write(AGENCY_CODES_NOTE)
