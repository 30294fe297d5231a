from django.urls import path

from motcua.backoffice.views import queue as views

# Included at /can-bo/quay/ in the `backoffice` namespace.
urlpatterns: list = [
    path("", views.queue_home, name="queue_home"),
    path("<int:counter_id>/", views.queue_counter, name="queue_counter"),
    path("<int:counter_id>/thao-tac/", views.queue_action, name="queue_action"),
    path("so-lieu/", views.queue_figures_page, name="queue_figures"),
]
