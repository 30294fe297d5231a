from django.urls import path

from .views import citizens

urlpatterns = [
    path("", citizens.citizen_register, name="citizen_register"),
    path("<int:user_id>/", citizens.citizen_created, name="citizen_created"),
    path("<int:user_id>/gui-lai-ma/", citizens.citizen_resend, name="citizen_resend"),
]
