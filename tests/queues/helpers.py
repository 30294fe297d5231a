from datetime import datetime

from motcua.org.models import Counter
from motcua.queues.models import ServiceGroup
from motcua.workcal.calendar import LOCAL_TZ

# A Monday, 09:00 at the centre.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)


def queue_setup(w):
    """Counters 1–3 at the provincial centre and 1 at the commune centre; groups A (counters 1, 2) and
    B (counter 3) at the centre, A at the commune."""
    w.counter1 = Counter.objects.create(unit=w.centre, number=1, name="Tư pháp")
    w.counter2 = Counter.objects.create(unit=w.centre, number=2, name="Tư pháp")
    w.counter3 = Counter.objects.create(unit=w.centre, number=3, name="Xây dựng")
    w.commune_counter = Counter.objects.create(unit=w.commune_centre, number=1)
    w.group_a = ServiceGroup.objects.create(unit=w.centre, code="A", name="Tư pháp – Hộ tịch", order=1)
    w.group_a.counters.set([w.counter1, w.counter2])
    w.group_b = ServiceGroup.objects.create(unit=w.centre, code="B", name="Xây dựng – Đất đai", order=2)
    w.group_b.counters.set([w.counter3])
    w.commune_group = ServiceGroup.objects.create(unit=w.commune_centre, code="A", name="Hộ tịch")
    return w
