import sys

from django.core.management.base import BaseCommand

from motcua.reports.figures import figures_differences, figures_rebuild


class Command(BaseCommand):
    help = (
        "Số liệu báo cáo tổng hợp sẵn: `--check` đếm lại từ hồ sơ và so sánh (mã thoát 1 khi lệch), "
        "`--rebuild` tính lại toàn bộ (sau khi nạp dữ liệu hàng loạt hoặc sửa dữ liệu ngoài hệ thống)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="so sánh với số đếm lại từ hồ sơ")
        parser.add_argument("--rebuild", action="store_true", help="tính lại toàn bộ số liệu tổng hợp")

    def handle(self, *args, **options):
        if options["rebuild"]:
            result = figures_rebuild(progress=lambda done: sys.stderr.write(f"\r{done:,} hồ sơ"))
            sys.stderr.write("\n")
            self.stdout.write(
                f"Đã tính lại {result['dossiers']:,} hồ sơ thành {result['rows']:,} dòng tổng hợp "
                f"trong {result['seconds']} s."
            )
        if options["check"] or not options["rebuild"]:
            problems = figures_differences()
            if problems:
                for problem in problems:
                    self.stdout.write(problem)
                self.stdout.write("Số liệu tổng hợp LỆCH so với số đếm lại; chạy `motcua figures --rebuild`.")
                sys.exit(1)
            self.stdout.write("Số liệu tổng hợp khớp với số đếm lại từ hồ sơ.")
