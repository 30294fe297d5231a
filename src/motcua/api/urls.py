from motcua.appointments.api import router as appointments_router
from motcua.payments.api import router as payments_router
from motcua.petitions.api import router as petitions_router
from motcua.privacy.api import router as privacy_router
from motcua.queues.api import router as queues_router

from .errors import MotcuaAPI, install_error_handlers
from .routers import (
    auth,
    calendar,
    catalog,
    dossiers,
    index766,
    me,
    org,
    ping,
    ratings,
    reports,
    results,
    supplements,
)

api = MotcuaAPI(
    title="motcua API",
    version="1",
    description="REST API của hệ thống thông tin một cửa điện tử motcua.",
    urls_namespace="api-v1",
)
install_error_handlers(api)
api.add_router("/ping", ping.router)
# Second: Django tries URL patterns in order (and copies the list of those tried into the match), and the public
# status lookup is the busiest route; it came after about thirty (docs/performance.md, issue #7).
api.add_router("/public", dossiers.public_router)
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
api.add_router("/me", privacy_router)
api.add_router("/register", dossiers.register_router)
api.add_router("/reports", reports.router)
api.add_router("/reports/index766", index766.router)
# Counter services (issue #6): each app keeps its own router.

api.add_router("/queue", queues_router)
api.add_router("/appointments", appointments_router)
api.add_router("/petitions", petitions_router)
api.add_router("/payments", payments_router)
