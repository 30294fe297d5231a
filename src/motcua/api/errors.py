"""One error envelope for every API error: {"error": {"code", "message", "details"}}."""

import json
import re
from functools import wraps

from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua.core.exceptions import DomainError

ERROR_SCHEMA_REF = "#/components/schemas/ErrorOut"
# django-ninja's own words when the body is not JSON/form data it can read.
_UNREADABLE_BODY = "Cannot parse request body"
_JSON_NUL_ESCAPE = re.compile(rb"\\u0000", re.IGNORECASE)


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


class MotcuaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also lists the errors every operation can answer through the
    handlers below, so that a client (and the schemathesis fuzz test) never meets an undocumented status."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                _document_common_errors(operation)
        return schema


def _document_common_errors(operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    # 400: unreadable body or a domain rule without a more precise status; 422: input the schema refuses
    # (including NUL characters and out-of-range values); 401: a protected operation without valid credentials.
    # django-ninja keys responses by int status; a key written as text would be a second, conflicting entry.
    common = {400: "Bad Request", 422: "Unprocessable Entity"}
    if operation.get("security"):
        common[401] = "Unauthorized"
    declared = {int(status) for status in responses if str(status).isdigit()}
    for status, description in common.items():
        if status not in declared:
            responses[status] = {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
            }


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(v) for v in value)
    return False


def _request_contains_nul(request, path_params: dict) -> bool:
    if _contains_nul(list(path_params.values())) or _contains_nul(list(request.GET.lists())):
        return True
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return _contains_nul(list(request.POST.lists()))  # uploaded files may hold any byte
    if "json" in content_type and _JSON_NUL_ESCAPE.search(request.body):
        try:
            return _contains_nul(json.loads(request.body))
        except ValueError:
            return False  # unreadable: the body parser answers 400
    return False


def _unreadable_body() -> dict:
    return error_body("malformed_body", _("Không đọc được nội dung gửi lên (JSON hoặc biểu mẫu hỏng)."))


def install_error_handlers(api: NinjaAPI) -> None:
    def reject_nul_characters(run):
        # PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), SQLite stores it silently:
        # refuse it up front, for every operation, before it reaches a query or a row.
        @wraps(run)
        def checked(request, *args, **kwargs):
            try:
                has_nul = _request_contains_nul(request, kwargs)
            except MultiPartParserError:
                # Otherwise Django answers with its own HTML page, outside the API's error envelope.
                return api.create_response(request, _unreadable_body(), status=400)
            if has_nul:
                return api.create_response(
                    request,
                    error_body(
                        "nul_character", _("Dữ liệu gửi lên chứa ký tự NUL (\\0), không được chấp nhận.")
                    ),
                    status=422,
                )
            return run(request, *args, **kwargs)

        return checked

    api.add_decorator(reject_nul_characters, mode="view")

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
        if exc.status_code == 400 and str(exc).startswith(_UNREADABLE_BODY):
            return api.create_response(request, _unreadable_body(), status=400)
        return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)

    # Values the schema lets through but the database or the calendar cannot hold (a year 1 date shifted by a
    # time zone, an integer beyond 64 bits, a text longer than its column on PostgreSQL) are the client's
    # input, not a server fault.
    @api.exception_handler(OverflowError)
    def overflow(request, exc):
        return api.create_response(
            request, error_body("out_of_range", _("Giá trị gửi lên nằm ngoài phạm vi cho phép.")), status=422
        )

    @api.exception_handler(DataError)
    def data_error(request, exc):
        return api.create_response(
            request,
            error_body("out_of_range", _("Giá trị gửi lên quá dài hoặc nằm ngoài phạm vi cho phép.")),
            status=422,
        )
