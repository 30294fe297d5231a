"""Appointments (/dat-lich/, /can-bo/lich-hen/, /api/v1/appointments).

Booking, the kiosk and looking a booking up with its code and the phone's last four digits are public; a
booking's pages are for its account or for the browser that unlocked it; officers act only in their unit
(the commune centre's receiver has no appointment service: 403 on the list, 404 for the centre's bookings);
closing a day is for leaders and administrators, which the centre's receiver is not."""

from tests.authz_policies import LOGIN, Check, everyone

OWNER = {"anonymous": 404, "citizen": 200, "other_citizen": 404, "other_unit": 404, "officer": 404}
OWNER_OR_UNIT = {**OWNER, "officer": 200}
STAFF_PAGE = {"anonymous": LOGIN, "citizen": 403, "other_citizen": 403, "other_unit": 403, "officer": 200}


def context(w, now) -> dict:
    """A guidance service at the provincial centre; `w.citizen`'s booking for tomorrow 08:00 (phone ending
    5678) and a walk-in-day booking for 09:00 today, plus a queue group for the priority ticket."""
    from datetime import timedelta

    from motcua.appointments.models import Appointment
    from motcua.appointments.services import appointment_book
    from tests.appointments.helpers import TUESDAY_0800, data, guidance, queue_group

    service = guidance(w, capacity=5, max_active_per_person=5)
    mine = appointment_book(service=service, start_at=TUESDAY_0800, data=data(), user=w.citizen)
    today = Appointment.objects.create(
        service=service,
        unit=w.centre,
        code="TODAY23456",
        start_at=now,
        end_at=now + timedelta(minutes=30),
        holder_name="Lê Văn Bình",
        phone="0988777666",
    )
    queue_group(w.centre)
    return {"appt_service": service.pk, "appt_code": mine.code, "appt_today": today.code}


POLICY = {
    "dat-lich/": [Check("get", "/dat-lich/", everyone(200))],
    "dat-lich/<str:unit_code>/": [Check("get", "/dat-lich/H12.99/", everyone(200))],
    "dat-lich/dich-vu/<int:service_id>/": [Check("get", "/dat-lich/dich-vu/{appt_service}/", everyone(200))],
    "dat-lich/dich-vu/<int:service_id>/<str:day>/": [
        Check("get", "/dat-lich/dich-vu/{appt_service}/2026-03-03/", everyone(200))
    ],
    # Without a booking in progress the wizard sends everyone back to its start.
    "dat-lich/thong-tin/": [Check("get", "/dat-lich/thong-tin/", everyone(302))],
    "dat-lich/kiem-tra/": [
        Check("get", "/dat-lich/kiem-tra/", everyone(302)),
        Check("post", "/dat-lich/kiem-tra/", everyone(302), writes=True),
    ],
    "dat-lich/da-dat/": [Check("get", "/dat-lich/da-dat/", everyone(302))],
    "dat-lich/quan-ly/": [
        Check("get", "/dat-lich/quan-ly/", everyone(200)),
        Check("post", "/dat-lich/quan-ly/", everyone(302), data={"ma": "{appt_code}", "so": "5678"}),
        Check("post", "/dat-lich/quan-ly/", everyone(404), data={"ma": "{appt_code}", "so": "0000"}),
    ],
    "dat-lich/lich-cua-toi/": [
        Check("get", "/dat-lich/lich-cua-toi/", {**everyone(200), "anonymous": LOGIN})
    ],
    "dat-lich/hen/<str:code>/": [Check("get", "/dat-lich/hen/{appt_code}/", OWNER)],
    "dat-lich/hen/<str:code>/huy/": [
        Check("get", "/dat-lich/hen/{appt_code}/huy/", OWNER),
        Check("post", "/dat-lich/hen/{appt_code}/huy/", {**OWNER, "citizen": 302}, writes=True),
    ],
    "dat-lich/hen/<str:code>/doi-lich/": [
        Check("get", "/dat-lich/hen/{appt_code}/doi-lich/", OWNER),
        Check(
            "post",
            "/dat-lich/hen/{appt_code}/doi-lich/",
            {**OWNER, "citizen": 302},
            data={"ngay": "2026-03-03", "gio": "09:00"},
            writes=True,
        ),
    ],
    "dat-lich/<str:unit_code>/check-in/": [
        Check("get", "/dat-lich/H12.99/check-in/", everyone(200)),
        Check("post", "/dat-lich/H12.99/check-in/", everyone(404), data={"ma": "{appt_code}"}),
        Check("post", "/dat-lich/H12.99/check-in/", everyone(200), data={"ma": "{appt_today}"}, writes=True),
    ],
    "can-bo/lich-hen/": [Check("get", "/can-bo/lich-hen/?ngay=2026-03-03", STAFF_PAGE)],
    "can-bo/lich-hen/dong-ngay/": [
        Check("get", "/can-bo/lich-hen/dong-ngay/", {**STAFF_PAGE, "officer": 403}),
        Check(
            "post",
            "/can-bo/lich-hen/dong-ngay/",
            {**STAFF_PAGE, "officer": 403},
            data={"don_vi": "H12.99", "ngay": "2026-03-03", "reason": "Hội nghị", "xac_nhan": "1"},
            writes=True,
        ),
    ],
    "can-bo/lich-hen/hen/<str:code>/<str:action>/": [
        Check(
            "post",
            "/can-bo/lich-hen/hen/{appt_today}/check-in/",
            {"anonymous": LOGIN, "citizen": 403, "other_citizen": 403, "other_unit": 404, "officer": 302},
            writes=True,
        )
    ],
    "api/v1/appointments/services": [Check("get", "/api/v1/appointments/services", everyone(200), api=True)],
    "api/v1/appointments/services/<service_id>/slots": [
        Check(
            "get",
            "/api/v1/appointments/services/{appt_service}/slots?from=2026-03-03&to=2026-03-04",
            everyone(200),
            api=True,
        )
    ],
    "api/v1/appointments": [
        Check(
            "post",
            "/api/v1/appointments",
            everyone(201),
            data={
                "service_id": "{appt_service}",
                "start": "2026-03-03T10:00:00+07:00",
                "holder_name": "Phạm Thu",
                "phone": "0977000111",
            },
            api=True,
            writes=True,
        )
    ],
    "api/v1/appointments/mine": [
        Check("get", "/api/v1/appointments/mine", {**everyone(200), "anonymous": 401}, api=True)
    ],
    "api/v1/appointments/<code>": [
        Check("get", "/api/v1/appointments/{appt_code}", OWNER_OR_UNIT, api=True),
        Check("get", "/api/v1/appointments/{appt_code}?phone=5678", everyone(200), api=True),
    ],
    "api/v1/appointments/<code>/cancel": [
        Check("post", "/api/v1/appointments/{appt_code}/cancel", OWNER_OR_UNIT, api=True, writes=True)
    ],
    "api/v1/appointments/<code>/reschedule": [
        Check(
            "post",
            "/api/v1/appointments/{appt_code}/reschedule",
            OWNER_OR_UNIT,
            data={"start": "2026-03-03T09:00:00+07:00"},
            api=True,
            writes=True,
        )
    ],
    "api/v1/appointments/<code>/check-in": [
        Check(
            "post",
            "/api/v1/appointments/{appt_today}/check-in",
            {"anonymous": 401, "citizen": 404, "other_citizen": 404, "other_unit": 404, "officer": 200},
            api=True,
            writes=True,
        )
    ],
}
