from ninja import NinjaAPI

from .errors import install_error_handlers
from .routers import (
    auth,
    calendar,
    catalog,
    dossiers,
    index766,
    me,
    org,
    ratings,
    reports,
    results,
    supplements,
)

api = NinjaAPI(
    title="motcua API",
    version="1",
    description="REST API của hệ thống thông tin một cửa điện tử motcua.",
    urls_namespace="api-v1",
)
install_error_handlers(api)
api.add_router("/auth", auth.router)
api.add_router("/units", org.router)
api.add_router("/calendar", calendar.router)
api.add_router("/procedures", catalog.router)
# Before the dossiers router: its `actions/{action}` would otherwise take `actions/supplement`.
api.add_router("/dossiers", supplements.router)
api.add_router("/dossiers", dossiers.router)
api.add_router("/dossiers", results.router)
api.add_router("/dossiers", ratings.router)
api.add_router("/results", results.public_router)
api.add_router("/ratings", ratings.public_router)
api.add_router("/me", me.router)
api.add_router("/public", dossiers.public_router)
api.add_router("/register", dossiers.register_router)
api.add_router("/reports", reports.router)
api.add_router("/reports/index766", index766.router)
