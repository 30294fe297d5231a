from django.core.management.base import BaseCommand, CommandError

from motcua.demo.loader import demo_load
from motcua.demo.synth import SynthError, synth, synth_columns_check


class Command(BaseCommand):
    help = (
        "Sinh hồ sơ tổng hợp (kèm các bước, lịch sử, thành phần) trên danh mục và đơn vị trình diễn để đo "
        "hiệu năng: `motcua synth --dossiers 1000000 --years 10`. Nạp dữ liệu trình diễn trước nếu chưa có."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, required=True, help="số hồ sơ cần sinh thêm")
        parser.add_argument("--years", type=float, default=1.0, help="trải đều trong bấy nhiêu năm gần nhất")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=20000, help="số hồ sơ mỗi lần ghi")

    def handle(self, *args, **options):
        if options["dossiers"] <= 0 or options["years"] <= 0 or options["batch"] <= 0:
            raise CommandError("--dossiers, --years và --batch phải lớn hơn 0.")
        synth_columns_check()
        demo_load()
        try:
            counts = synth(
                dossiers=options["dossiers"],
                years=options["years"],
                seed=options["seed"],
                batch=options["batch"],
            )
        except SynthError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Đã sinh {counts['dossiers']:,} hồ sơ, {counts['steps']:,} bước, {counts['events']:,} dòng lịch sử, "
            f"{counts['documents']:,} thành phần trong {counts['seconds']} s — "
            f"{counts['dossiers_per_second']:,} hồ sơ/s, {counts['rows_per_second']:,} dòng/s "
            f"(trong đó tổng hợp số liệu báo cáo {counts.get('figures_seconds', 0)} s, dựng lại "
            f"{counts.get('indexes_rebuilt', 0)} chỉ mục {counts.get('index_seconds', 0)} s, "
            f"ghi xác nhận {counts.get('commit_seconds', 0)} s)."
        )
