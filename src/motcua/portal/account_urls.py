from django.urls import path

from . import account_views as views

urlpatterns = [
    path("", views.profile, name="account_profile"),
    path("sua/", views.profile_edit, name="account_edit"),
    path("dien-thoai/", views.phone_change, name="account_phone"),
    path("thu-dien-tu/", views.email_change, name="account_email"),
    path("xac-minh/", views.contact_verify, name="account_contact_verify"),
    path("doi-mat-khau/", views.password_change, name="account_password"),
    path("dang-ky/", views.register_start, name="account_register"),
    path("dang-ky/xac-minh/", views.register_verify, name="account_register_verify"),
    path("dang-ky/thong-tin/", views.register_details, name="account_register_details"),
    path("dang-ky/hoan-tat/", views.registered, name="account_registered"),
    path("quen-mat-khau/", views.reset_start, name="account_reset"),
    path("quen-mat-khau/xac-minh/", views.reset_verify, name="account_reset_verify"),
    path("mat-khau-moi/", views.new_password, name="account_new_password"),
    path("kich-hoat/", views.activate, name="account_activate"),
    # VNeID over OpenID Connect; both answer 404 unless MOTCUA_OIDC_* settings switch it on.
    path("vneid/", views.VneidLoginView.as_view(), name="vneid_login"),
    path("vneid/callback/", views.VneidCallbackView.as_view(), name="vneid_callback"),
]
