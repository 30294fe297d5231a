from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.transfer import catalog_import, format_problem
from motcua.core.exceptions import ValidationFailed


class Command(BaseCommand):
    help = (
        "Nhập danh mục thủ tục hành chính từ tệp Excel (.xlsx), tệp ZIP chứa các tệp CSV, hoặc một tệp CSV "
        "chỉ gồm bảng thủ tục. Tệp có lỗi thì không nhập gì và liệt kê từng lỗi."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp .xlsx, .zip hoặc .csv")
        parser.add_argument(
            "--draft", action="store_true", help="Chỉ tạo bản nháp, không công bố phiên bản mới."
        )

    def handle(self, *args, path: str, draft: bool, **options):
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror or error}") from None
        try:
            result = catalog_import(data=data, filename=file.name, publish=not draft)
        except ValidationFailed as error:
            for problem in error.details or []:
                self.stderr.write(format_problem(problem))
            raise CommandError(error.message) from None
        for row in result.rows:
            self.stdout.write(
                f"Dòng {row.row}: {row.local_code} — {row.outcome_label}, phiên bản {row.version_number} "
                f"({row.status_label})"
            )
        self.stdout.write(self.style.SUCCESS(result.summary))
