"""Online submission, "my dossiers" and the document store; included at the portal's root (namespace
`portal`). References are dossier codes, or `D<id>` before a code is issued: never personal data."""

from django.urls import path

from . import submit_views as views

urlpatterns = [
    path("nop-truc-tuyen/<str:code>/", views.submit_start, name="submit_start"),
    path("ho-so-cua-toi/", views.mine_list, name="mine"),
    path("ho-so-cua-toi/<str:reference>/", views.mine_detail, name="mine_detail"),
    path("ho-so-cua-toi/<str:reference>/noi-nop/", views.submit_centre, name="submit_centre"),
    path("ho-so-cua-toi/<str:reference>/nguoi-nop/", views.submit_applicant, name="submit_applicant"),
    path("ho-so-cua-toi/<str:reference>/to-khai/<int:page>/", views.submit_eform, name="submit_eform"),
    path(
        "ho-so-cua-toi/<str:reference>/giay-to/<int:requirement_id>/",
        views.submit_component,
        name="submit_component",
    ),
    path("ho-so-cua-toi/<str:reference>/nhan-ket-qua/", views.submit_return, name="submit_return"),
    path("ho-so-cua-toi/<str:reference>/kiem-tra/", views.submit_check, name="submit_check"),
    path("ho-so-cua-toi/<str:reference>/da-gui/", views.submit_done, name="submit_done"),
    path("ho-so-cua-toi/<str:reference>/bo-sung/", views.mine_supplement, name="mine_supplement"),
    path("ho-so-cua-toi/<str:reference>/tep/<int:document_id>/", views.mine_document, name="mine_document"),
    path("kho-du-lieu/", views.store_list, name="store"),
    path("kho-du-lieu/<int:document_id>/", views.store_document, name="store_document"),
]
