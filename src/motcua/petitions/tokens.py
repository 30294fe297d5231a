"""The petitioner's rating link: the petition's id signed with the site's SECRET_KEY. It is sent in the
answer's e-mail and shown to the petitioner who proved who they are; it carries no personal data."""

from django.core import signing
from django.utils.translation import gettext_lazy

from motcua.core.exceptions import NotFound

RATING_SALT = "motcua.petitions.rating"
INVALID_LINK = gettext_lazy("Đường dẫn đánh giá không hợp lệ. Vui lòng mở lại đường dẫn trong thư trả lời.")


def petition_rating_token(*, petition) -> str:
    return signing.Signer(salt=RATING_SALT).sign(str(petition.pk))


def petition_rating_id(*, token: str) -> int:
    try:
        value = signing.Signer(salt=RATING_SALT).unsign(token or "")
    except signing.BadSignature as error:
        raise NotFound(str(INVALID_LINK)) from error
    if not value.isdigit():
        raise NotFound(str(INVALID_LINK))
    return int(value)
