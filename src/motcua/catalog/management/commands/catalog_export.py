from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.transfer import catalog_export_csv, catalog_export_xlsx


class Command(BaseCommand):
    help = (
        "Xuất danh mục thủ tục hành chính đang hiệu lực: .xlsx (bảng tính Excel 4 sheet), .zip (4 tệp CSV) "
        "hoặc .csv (chỉ bảng thủ tục), theo phần mở rộng của đường dẫn."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp cần ghi: .xlsx, .zip hoặc .csv")

    def handle(self, *args, path: str, **options):
        file = Path(path)
        suffix = file.suffix.lower()
        if suffix == ".xlsx":
            data = catalog_export_xlsx()
        elif suffix == ".zip":
            data = catalog_export_csv()
        elif suffix == ".csv":
            data = catalog_export_csv(procedures_only=True)
        else:
            raise CommandError("Đường dẫn phải kết thúc bằng .xlsx, .zip hoặc .csv.")
        try:
            file.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {path}: {error.strerror or error}") from None
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {file} ({len(data)} byte)."))
