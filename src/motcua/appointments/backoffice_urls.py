from django.urls import path

from . import backoffice_views as views

# Included at /can-bo/lich-hen/ in the `backoffice` namespace.
urlpatterns = [
    path("", views.day_list, name="appointments"),
    path("dong-ngay/", views.close_day, name="appointments_close_day"),
    path("hen/<str:code>/<str:action>/", views.act, name="appointment_act"),
]
