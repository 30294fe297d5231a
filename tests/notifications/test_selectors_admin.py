"""What the citizen's notifications page and the support staff's admin read and do."""

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.dossiers.enums import Action
from motcua.dossiers.services import dossier_create
from motcua.notifications.models import Message, MessageStatus
from motcua.notifications.selectors import message_list_for_user
from motcua.notifications.services import message_requeue
from tests.factories import intake_data
from tests.notifications.helpers import act, applicant, at, receive

pytestmark = pytest.mark.django_db


def online_received(w, citizen, id_number):
    draft = dossier_create(
        data=intake_data(w, applicant=applicant(id_number=id_number), channel="online"),
        actor=citizen,
        owner=citizen,
    )
    return act(act(draft, Action.SUBMIT, citizen), Action.RECEIVE, w.receiver)


def test_message_list_for_user_is_the_users_own_newest_first(w, django_assert_num_queries):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=True):
        mine = online_received(w, w.citizen, "096000000001")
        online_received(w, w.other_citizen, "096000000002")
        receive(w)  # a counter dossier: no account
        act(act(mine, Action.TRANSFER, w.receiver), Action.STOP, w.receiver, note="Công dân xin rút hồ sơ")
    with django_assert_num_queries(1):
        listed = [(m.event, m.channel, m.dossier.code) for m in message_list_for_user(user=w.citizen)]
    assert listed == [
        ("stopped", "sms", mine.code),
        ("stopped", "email", mine.code),
        ("received", "sms", mine.code),
        ("received", "email", mine.code),
    ]
    assert len(message_list_for_user(user=w.citizen, limit=3)) == 3
    assert list(message_list_for_user(user=get_user_model()(username="anonymous"))) == []


def test_requeue_moves_only_failed_messages(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        receive(w)
    email, sms = Message.objects.order_by("channel")
    Message.objects.filter(pk=email.pk).update(status=MessageStatus.FAILED, attempts=110, last_error="x")
    Message.objects.filter(pk=sms.pk).update(status=MessageStatus.SENT, attempts=1)
    with time_machine.travel(at(2026, 3, 5, 8, 0), tick=False):
        assert message_requeue(message_ids=[email.pk, sms.pk]) == 1
    email.refresh_from_db()
    sms.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == ("pending", 0, at(2026, 3, 5, 8, 0))
    assert (sms.status, sms.attempts) == ("sent", 1)


def test_admin_lists_messages_and_requeues_failed_ones(w, client):
    admin = get_user_model().objects.create_superuser("quantri", "quantri@example.vn", "x")
    client.force_login(admin)
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        receive(w)
    failed, sent = Message.objects.order_by("channel")
    Message.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED, attempts=110)
    Message.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT)
    page = client.get(reverse("admin:notifications_message_changelist"))
    assert page.status_code == 200
    assert "Gửi lại" in page.content.decode()
    response = client.post(
        reverse("admin:notifications_message_changelist"),
        {"action": "requeue", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, sent.status) == ("pending", "sent")
    text = response.content.decode()
    assert "Đã đưa 1 thông báo vào hàng đợi gửi lại." in text
    assert client.get(reverse("admin:notifications_message_delete", args=[failed.pk])).status_code == 403
