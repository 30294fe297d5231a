"""Electronic results for citizens; included at /ket-qua/ (namespace `portal`). The reference is the dossier
code; the phone digits of the status-page download travel in the POST body, never in a URL."""

from django.urls import path

from . import result_views as views

urlpatterns = [
    path("kiem-tra/", views.result_verify, name="result_verify"),
    path("theo-ma/", views.result_download_by_code, name="result_download_by_code"),
    path("<str:reference>/tai-ve/", views.result_download, name="result_download"),
]
