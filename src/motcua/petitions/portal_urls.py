from django.urls import path

from . import portal_views

# Included at /phan-anh/ in the `portal` namespace. Fixed prefixes come first: a code is always PA-….
urlpatterns = [
    path("", portal_views.petition_list, name="petition_list"),
    path("gui/", portal_views.petition_new, name="petition_new"),
    path("gui/xong/", portal_views.petition_done, name="petition_done"),
    path("tra-cuu/", portal_views.petition_detail, {"code": ""}, name="petition_lookup"),
    path("danh-gia/<str:token>/", portal_views.petition_rate_view, name="petition_rate"),
    path("<str:code>/", portal_views.petition_detail, name="petition_detail"),
]
