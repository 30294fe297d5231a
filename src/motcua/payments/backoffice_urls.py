from django.urls import path  # noqa: F401

# Included at /can-bo/thanh-toan/ in the `backoffice` namespace.
urlpatterns: list = []
