from django.urls import path

from . import views

urlpatterns = [
    path("", views.access_log, name="privacy_access_log"),
]
