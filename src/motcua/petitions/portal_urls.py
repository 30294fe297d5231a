from django.urls import path  # noqa: F401

# Included at /phan-anh/ in the `portal` namespace.
urlpatterns: list = []
