"""`motcua verify_result <file.pdf>`: the verification page's verdict on the command line (exit 0 valid, 1 not)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.dossiers.results import dossier_result_by_sha256
from motcua.paperwork.verify import pdf_verify


class Command(BaseCommand):
    help = (
        "Kiểm tra chữ ký số và tính toàn vẹn của một tệp kết quả điện tử (PDF). Mã thoát 0: hợp lệ; 1: không."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp PDF cần kiểm tra.")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror or error}.") from error
        verdict = pdf_verify(content)
        check = verdict.signature
        lines = [f"Tệp: {path.name}", f"SHA-256: {verdict.sha256}"]
        if check is not None:
            signed_at = (
                timezone.localtime(check.signed_at).strftime("%H:%M:%S %d/%m/%Y") if check.signed_at else "—"
            )
            lines += [
                f"Đơn vị ký số: {check.signer_name or '—'}",
                f"Chủ thể chứng thư số: {check.signer_subject}",
                f"Thời điểm ký (theo máy ký): {signed_at}",
                f"Chứng thư số tin cậy: {_trust(check)}",
                f"Thay đổi sau khi ký: {'có' if verdict.is_changed_after_signing else 'không'}",
            ]
            if check.is_demo:
                lines.append("Lưu ý: chứng thư số trình diễn (DEMO), không có giá trị pháp lý.")
        match = dossier_result_by_sha256(sha256=verdict.sha256)
        if match is not None:
            lines.append(f"Trùng khớp kết quả điện tử của hồ sơ {match.dossier.code}.")
        self.stdout.write("\n".join(lines))
        if verdict.is_valid:
            self.stdout.write(
                self.style.SUCCESS("KẾT LUẬN: HỢP LỆ — chữ ký số hợp lệ, tệp không bị thay đổi sau khi ký.")
            )
            return
        for message in verdict.messages:
            self.stdout.write(f"- {message}")
        self.stdout.write(self.style.ERROR("KẾT LUẬN: KHÔNG HỢP LỆ"))
        raise SystemExit(1)


def _trust(check) -> str:
    if not (check.is_intact and check.is_valid):
        return "không xác định (chữ ký không khớp nội dung)"
    return "có" if check.is_trusted else "không"
