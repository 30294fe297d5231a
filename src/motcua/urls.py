from django.contrib import admin
from django.urls import include, path

from motcua.api.urls import api

admin.site.site_header = "Quản trị hệ thống một cửa điện tử motcua"
admin.site.site_title = "motcua"
admin.site.index_title = "Quản trị"

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("", include("motcua.portal.urls")),
]
