"""The small exception hierarchy every domain service raises; interfaces map it to messages."""


class DomainError(Exception):
    """A rule of the domain refused the request. `message` is shown to the user (Vietnamese)."""

    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, details: dict | list | None = None):
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationFailed(DomainError):
    code = "validation_failed"
    http_status = 422


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class NotPermitted(DomainError):
    code = "not_permitted"
    http_status = 403


class InvalidTransition(DomainError):
    code = "invalid_transition"
    http_status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429
