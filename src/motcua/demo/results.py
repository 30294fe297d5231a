"""Signed electronic results for the demo's dossiers that chose to receive their result online."""

import logging

from motcua.dossiers.enums import ReturnMode
from motcua.dossiers.models import Dossier
from motcua.dossiers.results import RESULT_STATUSES, dossier_result_attach
from motcua.org.enums import Role
from motcua.org.models import StaffRole

# Each result is a WeasyPrint rendering: a bound keeps the demo's start-up short.
DEMO_RESULTS_MAX = 20


def demo_results_sign(*, limit: int = DEMO_RESULTS_MAX) -> int:
    """Sign the generated confirmation for online-return dossiers that have a decision and no result yet,
    as a receiving officer of their centre; returns how many were signed."""
    # One line per signed result would drown the demo's console.
    logging.getLogger("motcua.paperwork.signing").setLevel(logging.WARNING)
    dossiers = (
        Dossier.objects.filter(status__in=RESULT_STATUSES, return_mode=ReturnMode.ONLINE, result__isnull=True)
        .select_related("receiving_unit")
        .order_by("-result_ready_at", "-id")[:limit]
    )
    signed = 0
    for dossier in dossiers:
        role = (
            StaffRole.objects.filter(unit=dossier.receiving_unit, role=Role.RECEIVING_OFFICER)
            .select_related("user")
            .first()
        )
        if role is None:
            continue
        dossier_result_attach(dossier=dossier, actor=role.user)
        signed += 1
    return signed
