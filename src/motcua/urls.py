from django.contrib import admin
from django.urls import include, path

from motcua.api.urls import api
from motcua.core import health

admin.site.site_header = "Quản trị hệ thống một cửa điện tử motcua"
admin.site.site_title = "motcua"
admin.site.index_title = "Quản trị"

urlpatterns = [
    # Probes of the load balancer and monitoring (docs/deployment.md): no login, no personal data.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    # Open311 GeoReport v2 interface of the petitions (issue #6 §3).
    path("open311/v2/", include("motcua.petitions.open311_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("", include("motcua.portal.urls")),
]
