from django.core.management.base import BaseCommand

from motcua.appointments.services import reminders_enqueue


class Command(BaseCommand):
    help = "Queue the day-before reminders (e-mail and SMS) for tomorrow's bookings; safe to run repeatedly."

    def handle(self, *args, **options):
        count = reminders_enqueue()
        self.stdout.write(f"{count} booking(s) for tomorrow; reminders queued once each.")
