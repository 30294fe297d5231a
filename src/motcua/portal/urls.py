from django.urls import include, path

from . import figures, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("tra-cuu/", views.status_lookup, name="status_lookup"),
    path("so-lieu/", figures.figures_index, name="figures"),
    path("so-lieu/du-lieu-mo.csv", figures.open_data_csv, name="figures_csv"),
    path("so-lieu/du-lieu-mo.json", figures.open_data_json, name="figures_json"),
    path("so-lieu/<str:code>/", figures.figures_unit, name="figures_unit"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    # Citizen accounts: registration, verification, password reset, profile, VNeID (OIDC).
    path("tai-khoan/", include("motcua.portal.account_urls")),
    # My personal data: who saw it, download it, delete the account (issue #7).
    path("tai-khoan/", include("motcua.privacy.portal_urls")),
    # Online submission, drafts, supplements and "my dossiers".
    path("", include("motcua.portal.submit_urls")),
    # Electronic results: download and signature verification.
    path("ket-qua/", include("motcua.portal.result_urls")),
    # Satisfaction ratings: online, by the receipt's QR code, and the counter tablet.
    path("danh-gia/", include("motcua.portal.rating_urls")),
    # Counter services (issue #6): queue kiosk and display board, appointments, petitions, payment.
    path("xep-hang/", include("motcua.queues.portal_urls")),
    path("dat-lich/", include("motcua.appointments.portal_urls")),
    path("phan-anh/", include("motcua.petitions.portal_urls")),
    path("thanh-toan/", include("motcua.payments.portal_urls")),
]
