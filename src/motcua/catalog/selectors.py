"""Reads of the public catalogue (niêm yết công khai): current versions only."""

from django.db.models import Q, QuerySet

from motcua.core.exceptions import NotFound
from motcua.core.prepared import CompiledQuery
from motcua.core.text import fold

from .enums import VersionStatus
from .models import Procedure, ProcedureVersion


def procedure_version_search(
    *,
    q: str = "",
    field: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
    postal: bool | None = None,
    unit_code: str | None = None,
) -> QuerySet[ProcedureVersion]:
    """Search in force versions; words match with or without diacritics ("dang ky khai sinh")."""
    qs = ProcedureVersion.objects.filter(status=VersionStatus.IN_FORCE).select_related("procedure", "field")
    for word in fold(q).split():
        qs = qs.filter(search_text__contains=word)
    if field:
        qs = qs.filter(Q(field__code=field) | Q(field__name=field))
    if level:
        qs = qs.filter(level=level)
    if online_level:
        qs = qs.filter(online_level=online_level)
    if postal is True:
        qs = qs.filter(Q(is_postal_intake_allowed=True) | Q(is_postal_return_allowed=True))
    elif postal is False:
        qs = qs.filter(is_postal_intake_allowed=False, is_postal_return_allowed=False)
    if unit_code:
        qs = qs.filter(
            Q(competent_units__agency_code=unit_code) | Q(receiving_units__agency_code=unit_code)
        ).distinct()
    return qs.order_by("field__name", "procedure__national_code")


# Read on every intake: compiled once.
_procedure_by_code = CompiledQuery(
    Procedure,
    lambda code: (
        Procedure.objects.filter(Q(local_code=code) | Q(national_code=code))
        .select_related("current_version__field")
        .order_by("id")[:1]
    ),
    "\x00procedure-code",
)


def procedure_get_by_code(*, code: str) -> Procedure:
    """By national code (`1.001193`) or local code (`1.001193.000.00.00.H12`)."""
    procedure = _procedure_by_code.first(code)
    if procedure is None or procedure.current_version is None:
        raise NotFound(f"Không tìm thấy thủ tục hành chính có mã “{code}”.")
    # The version belongs to this procedure: known without a read (a new dossier's answer names its code).
    procedure.current_version.procedure = procedure
    return procedure


def procedure_version_detail(*, version_id: int) -> ProcedureVersion:
    version = (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related(
            "components", "fees", "processes__steps__unit", "competent_units", "receiving_units"
        )
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise NotFound("Không tìm thấy phiên bản thủ tục.")
    return version
