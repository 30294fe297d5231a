"""What the demo tests read from the loaded demo province."""

from motcua.catalog.enums import VersionStatus
from motcua.catalog.models import ProcedureVersion
from motcua.org.models import Unit


def in_force_versions():
    return list(
        ProcedureVersion.objects.filter(status=VersionStatus.IN_FORCE)
        .select_related("procedure")
        .prefetch_related(
            "processes__steps__unit", "processes__handling_unit", "competent_units", "receiving_units"
        )
    )


def agency_of(unit: Unit) -> Unit:
    """The department, commune, police force … a unit belongs to: its ancestor right below the province."""
    while unit.parent_id is not None and unit.parent.parent_id is not None:
        unit = unit.parent
    return unit
