from django.urls import path

from . import backoffice_views as views

# Included at /can-bo/thanh-toan/ in the `backoffice` namespace.
urlpatterns = [
    path("", views.reconciliation, name="payments"),
    path("ho-so/<str:reference>/", views.dossier_payment, name="payment_dossier"),
    path("bien-lai/<str:number>/", views.receipt, name="payment_receipt"),
    path("doi-soat/<str:order_id>/", views.reconcile_now, name="payment_reconcile"),
]
