from django.urls import path

from motcua.portal import queue_views

# Included at /xep-hang/ in the `portal` namespace.
urlpatterns: list = [
    path("<str:unit_code>/", queue_views.kiosk, name="queue_kiosk"),
    path("<str:unit_code>/so/<str:token>/", queue_views.ticket, name="queue_ticket"),
    path("<str:unit_code>/bang/", queue_views.board, name="queue_board"),
]
