from django.urls import path

from . import portal_views as views

# Included at /thanh-toan/ in the `portal` namespace.
urlpatterns = [
    path("ket-qua/<str:order_id>/", views.payment_return, name="payment_return"),
    path("bien-lai/<str:order_id>/", views.receipt, name="payment_receipt"),
    path("gia-lap/<str:order_id>/", views.fake_checkout, name="payment_fake"),
    path("<str:reference>/", views.pay, name="payment"),
]
