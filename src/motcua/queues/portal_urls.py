from django.urls import path  # noqa: F401

# Included at /xep-hang/ in the `portal` namespace.
urlpatterns: list = []
