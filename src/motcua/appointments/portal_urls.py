from django.urls import path

from . import portal_views as views

# Included at /dat-lich/ in the `portal` namespace. Fixed prefixes come before `<unit_code>/`: an agency code
# (H12.99) never equals one of them.
urlpatterns = [
    path("", views.start, name="appointment_start"),
    path("dich-vu/<int:service_id>/", views.day_page, name="appointment_day"),
    path("dich-vu/<int:service_id>/<str:day>/", views.time_page, name="appointment_time"),
    path("thong-tin/", views.details, name="appointment_details"),
    path("kiem-tra/", views.check, name="appointment_check"),
    path("da-dat/", views.done, name="appointment_done"),
    path("quan-ly/", views.find, name="appointment_find"),
    path("lich-cua-toi/", views.mine, name="appointment_mine"),
    path("hen/<str:code>/", views.manage, name="appointment_manage"),
    path("hen/<str:code>/huy/", views.cancel, name="appointment_cancel"),
    path("hen/<str:code>/doi-lich/", views.reschedule, name="appointment_reschedule"),
    path("<str:unit_code>/check-in/", views.kiosk, name="appointment_kiosk"),
    path("<str:unit_code>/", views.unit_page, name="appointment_unit"),
]
