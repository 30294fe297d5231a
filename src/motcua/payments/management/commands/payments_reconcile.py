from django.core.management.base import BaseCommand

from motcua.payments.services import payments_reconcile


class Command(BaseCommand):
    help = (
        "Ask the payment gateway about online payments left pending and settle them (paid, failed, expired)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--after-minutes", type=int, default=None, help="only payments pending this long")
        parser.add_argument(
            "--expire-minutes", type=int, default=None, help="expire unanswered ones this old"
        )

    def handle(self, *args, after_minutes=None, expire_minutes=None, **options):
        counts = payments_reconcile(after_minutes=after_minutes, expire_minutes=expire_minutes)
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "nothing pending"
        self.stdout.write(f"payments_reconcile: {summary}")
