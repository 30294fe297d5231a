from django.urls import path

from . import views

urlpatterns = [
    path("du-lieu-ca-nhan/", views.my_data, name="privacy_mine"),
    path("du-lieu-ca-nhan/tai-ve/", views.my_data_download, name="privacy_download"),
    path("xoa-tai-khoan/", views.account_delete_page, name="privacy_delete"),
    path("xoa-tai-khoan/da-xoa/", views.account_deleted, name="privacy_deleted"),
]
