from django.urls import path  # noqa: F401

# Included at /can-bo/phan-anh/ in the `backoffice` namespace.
urlpatterns: list = []
