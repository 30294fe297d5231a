from datetime import datetime

from django.utils import timezone

from motcua.core.exceptions import RateLimited


class AccountLocked(RateLimited):
    """Too many wrong passwords for one sign-in name. The message is the same whether an account exists."""

    code = "account_locked"

    def __init__(self, *, until: datetime):
        local = timezone.localtime(until)
        super().__init__(
            "Bạn đã nhập sai mật khẩu quá nhiều lần. Để bảo vệ tài khoản, việc đăng nhập bằng thông tin này "
            f"tạm khóa đến {local:%H:%M} ngày {local:%d/%m/%Y}. Bạn có thể dùng chức năng "
            "“Quên mật khẩu” để đặt lại mật khẩu và mở khóa ngay."
        )
        self.until = until
