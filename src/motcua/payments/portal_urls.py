from django.urls import path  # noqa: F401

# Included at /thanh-toan/ in the `portal` namespace.
urlpatterns: list = []
