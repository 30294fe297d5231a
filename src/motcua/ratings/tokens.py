"""Signed references to a dossier for the rating pages that need no login. They carry only the dossier's
internal id (no code, name or phone), signed with the site's SECRET_KEY, so they can be printed on paper and
put in a URL; a changed character fails the signature."""

from django.core import signing
from django.utils.translation import gettext_lazy

from motcua.core.exceptions import NotFound
from motcua.dossiers.models import Dossier

QR_SALT = "motcua.ratings.qr"
KIOSK_SALT = "motcua.ratings.kiosk"
INVALID_QR = gettext_lazy(
    "Mã QR đánh giá không hợp lệ. Vui lòng quét lại mã in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
)
KIOSK_EXPIRED = gettext_lazy("Phiên đánh giá đã hết hạn. Vui lòng nhập lại mã hồ sơ.")


def rating_qr_token(*, dossier: Dossier) -> str:
    """The token of the QR code printed on the applicant's receipt (Form 01): `<id>:<signature>`, the same
    for every print of the dossier's receipt, short enough for a small QR code."""
    return signing.Signer(salt=QR_SALT).sign(str(dossier.pk))


def rating_qr_dossier_id(*, token: str) -> int:
    try:
        value = signing.Signer(salt=QR_SALT).unsign(token or "")
    except signing.BadSignature as error:
        raise NotFound(str(INVALID_QR)) from error
    if not value.isdigit():
        raise NotFound(str(INVALID_QR))
    return int(value)


def kiosk_token(*, dossier: Dossier, unit_id: int) -> str:
    """Carries the dossier the citizen identified at the tablet from the look-up screen to the rating
    screen, without the code or phone digits in a hidden field; bound to the tablet's unit."""
    return signing.dumps({"d": dossier.pk, "u": unit_id}, salt=KIOSK_SALT)


def kiosk_dossier_id(*, token: str, unit_id: int, max_age_seconds: int) -> int:
    try:
        value = signing.loads(token, salt=KIOSK_SALT, max_age=max_age_seconds)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise NotFound(str(KIOSK_EXPIRED)) from error
    if not isinstance(value, dict) or value.get("u") != unit_id or not isinstance(value.get("d"), int):
        raise NotFound(str(KIOSK_EXPIRED))
    return value["d"]
