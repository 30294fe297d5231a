from django.urls import path

from . import rating_views

# Included at /danh-gia/ in the `portal` namespace. The fixed prefixes come first: a dossier code never
# equals "qr" or "quay".
urlpatterns = [
    path("qr/<str:token>/", rating_views.rating_qr, name="rating_qr"),
    path("quay/<str:unit_code>/", rating_views.rating_kiosk, name="rating_kiosk"),
    path("<str:reference>/", rating_views.rating_online, name="rating"),
]
