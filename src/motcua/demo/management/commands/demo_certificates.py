"""`motcua demo_certificates`: a demo root CA and a signing certificate for every unit that signs results."""

from django.core.management.base import BaseCommand

from motcua.paperwork.signing import certificate_dir, certificates_demo_create


class Command(BaseCommand):
    help = (
        "Tạo chứng thư số trình diễn (DEMO — không có giá trị pháp lý): một CA gốc và chứng thư số cho từng "
        "cơ quan giải quyết, Trung tâm phục vụ hành chính công chưa có chứng thư số."
    )

    def handle(self, *args, verbosity: int = 1, **options):
        created = certificates_demo_create()
        folder = certificate_dir()
        if created:
            self.stdout.write(f"Đã tạo {len(created)} chứng thư số trình diễn trong {folder}.")
            if verbosity > 1:
                self.stdout.write("  " + ", ".join(created))
        else:
            self.stdout.write(f"Mọi đơn vị đã có chứng thư số ({folder}).")
