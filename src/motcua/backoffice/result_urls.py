from django.urls import path

from .views import results

urlpatterns = [
    path("<str:reference>/", results.result_page, name="result"),
    path("<str:reference>/tai-ve/", results.result_download, name="result_download"),
]
