from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.models import User
from motcua.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Cấp mã truy cập API mới (Authorization: Bearer …) cho một người dùng và in ra một lần duy nhất."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Tên đăng nhập.")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không tìm thấy người dùng “{username}”.")
        if not user.is_active:
            raise CommandError(f"Người dùng “{username}” đang bị khóa; không cấp mã truy cập.")
        token = api_token_issue(user=user)
        # Only the token goes to stdout, so scripts can capture it: TOKEN=$(motcua apitoken admin).
        self.stderr.write(f"Mã truy cập cho “{username}”, hết hạn sau {settings.MOTCUA_API_TOKEN_DAYS} ngày:")
        self.stdout.write(token)
