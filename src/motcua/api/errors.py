"""One error envelope for every API error: {"error": {"code", "message", "details"}}."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua.core.exceptions import DomainError


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(
            request, error_body(exc.code, exc.message, exc.details), status=exc.http_status
        )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return api.create_response(
            request, error_body("validation_failed", "Dữ liệu gửi lên không hợp lệ.", exc.errors), status=422
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return api.create_response(
            request, error_body("not_authenticated", "Cần đăng nhập hoặc mã truy cập hợp lệ."), status=401
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", "Không tìm thấy."), status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)
