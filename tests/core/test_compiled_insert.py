"""`prepared.insert`: new rows written as Django's save() / bulk_create() would write them, with the INSERT
compiled once per connection and shape; and the intake that uses it stores what it was given."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Upper
from django.db.models.signals import post_save, pre_save
from django.db.models.sql.compiler import SQLInsertCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.catalog.enums import PaperKind
from motcua.core import prepared
from motcua.dossiers.models import DossierDocument
from motcua.dossiers.services import dossier_intake
from motcua.notifications.models import Message
from tests.factories import dossier_world, intake_data

pytestmark = pytest.mark.django_db


def _message(key: str, **fields) -> Message:
    return Message(
        event="received",
        channel="sms",
        recipient=fields.pop("recipient", "0912345678"),
        body=fields.pop("body", "Hồ sơ đã được tiếp nhận."),
        dedupe_key=key,
        next_attempt_at=timezone.now(),
        **fields,
    )


def _spy():
    return mock.patch.object(SQLInsertCompiler, "as_sql", autospec=True, side_effect=SQLInsertCompiler.as_sql)


def test_rows_are_written_with_their_own_values_and_the_insert_is_compiled_once():
    first, second = _message("t-1", body="một"), _message("t-2", body="hai", recipient="0987654321")
    with _spy() as compile_:
        assert prepared.insert([first]) == [first]
        with CaptureQueriesContext(connection) as queries:
            assert prepared.insert([second]) == [second]
    assert len(queries) == 1
    assert compile_.call_count <= 1  # once, or not at all where another test compiled it on this connection
    assert first.pk and second.pk and first.pk != second.pk
    assert not second._state.adding and second._state.db == "default"
    stored = {m.dedupe_key: m for m in Message.objects.filter(dedupe_key__in=["t-1", "t-2"])}
    assert (stored["t-1"].body, stored["t-1"].recipient) == ("một", "0912345678")
    assert (stored["t-2"].body, stored["t-2"].recipient) == ("hai", "0987654321")
    # Fields that fill themselves on insert (auto_now_add, a default) did, as save() does.
    assert stored["t-2"].created_at == second.created_at and second.created_at is not None
    assert stored["t-1"].delivery_key != stored["t-2"].delivery_key


def test_several_rows_keep_each_value_in_its_own_row_and_column():
    w = dossier_world()
    dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    for batch in (("A", "B", "C"), ("D", "E", "F")):  # the second batch reuses the first one's INSERT
        documents = [
            DossierDocument(
                dossier=dossier, order=10 + n, name=f"Giấy {name}", paper_kind=PaperKind.COPY, quantity=n + 1
            )
            for n, name in enumerate(batch)
        ]
        assert prepared.insert(documents) == documents
        stored = DossierDocument.objects.in_bulk([d.pk for d in documents])
        assert [(stored[d.pk].name, stored[d.pk].quantity, stored[d.pk].order) for d in documents] == [
            (f"Giấy {name}", n + 1, 10 + n) for n, name in enumerate(batch)
        ]


def test_a_conflicting_row_is_not_written_and_not_returned():
    kept = _message("t-same", body="trước")
    assert prepared.insert([kept], ignore_conflicts=True) == [kept]
    again = _message("t-same", body="sau")
    assert prepared.insert([again], ignore_conflicts=True) == []
    assert again.pk is None and again._state.adding
    assert list(Message.objects.filter(dedupe_key="t-same").values_list("body", flat=True)) == ["trước"]


def test_save_signals_are_sent_to_their_listeners():
    heard = []

    def before(sender, instance, **kwargs):
        heard.append(("pre", instance.pk))

    def after(sender, instance, created, **kwargs):
        heard.append(("post", instance.pk, created))

    pre_save.connect(before, sender=Message, dispatch_uid="test-insert-pre")
    post_save.connect(after, sender=Message, dispatch_uid="test-insert-post")
    try:
        message = _message("t-signals")
        prepared.insert([message])
    finally:
        pre_save.disconnect(sender=Message, dispatch_uid="test-insert-pre")
        post_save.disconnect(sender=Message, dispatch_uid="test-insert-post")
    assert heard == [("pre", None), ("post", message.pk, True)]


def test_an_expression_is_refused_whether_the_insert_is_compiled_or_not_and_nothing_is_written():
    connection.__dict__.pop("_motcua_compiled", None)  # this connection's compiled statements: none
    with pytest.raises(TypeError, match="expression"):
        prepared.insert([_message("t-expr-1", body=Upper(Value("một")))])  # refused when compiling
    prepared.insert([_message("t-plain")])
    with pytest.raises(TypeError, match="expression"):
        prepared.insert([_message("t-expr-2", body=Upper(Value("hai")))])  # refused by the compiled one
    assert not Message.objects.filter(dedupe_key__startswith="t-expr").exists()


def test_unsaved_related_instance_and_mixed_primary_keys_are_refused():
    w = dossier_world()
    dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    unsaved = type(dossier)()
    with pytest.raises(ValueError, match="unsaved related object"):
        prepared.insert([DossierDocument(dossier=unsaved, order=1, name="x", paper_kind=PaperKind.COPY)])
    given = DossierDocument(dossier=dossier, order=1, name="x", paper_kind=PaperKind.COPY)
    given.pk = 10**9
    with pytest.raises(ValueError, match="primary key"):
        prepared.insert(
            [given, DossierDocument(dossier=dossier, order=2, name="y", paper_kind=PaperKind.COPY)]
        )
    with pytest.raises(ValueError, match="one instance"):
        prepared.insert([_message("t-a"), _message("t-b")], ignore_conflicts=True)


def test_a_given_primary_key_is_written_as_given():
    message = _message("t-pk")
    message.pk = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    message.pk += 1000
    prepared.insert([message])
    assert Message.objects.get(pk=message.pk).dedupe_key == "t-pk"


def test_the_counter_intake_writes_each_row_with_its_own_values():
    from motcua.dossiers.services import ApplicantData, DocumentData
    from motcua.reports.models import FigureState

    w = dossier_world()
    for n in range(2):  # the second intake runs the INSERTs the first one compiled
        data = intake_data(
            w,
            applicant=ApplicantData(name=f"Trần Văn {n}", phone=f"09876543{n}0"),  # no ID number
            documents=[DocumentData(name=f"Giấy {n}.{k}") for k in range(3)],
        )
        dossier = dossier_intake(data=data, actor=w.receiver)
        dossier.refresh_from_db()
        assert (dossier.applicant.name, dossier.applicant.phone) == (f"Trần Văn {n}", f"09876543{n}0")
        assert list(dossier.documents.values_list("order", "name")) == [
            (k + 1, f"Giấy {n}.{k}") for k in range(3)
        ]
        assert dossier.current_step.dossier_id == dossier.pk and dossier.history_count == 1
        event = dossier.events.get()
        assert (event.seq, event.to_status, event.hash) == (1, dossier.status, dossier.history_head)
        assert dossier.messages.get(channel="sms").recipient == f"09876543{n}0"
        assert FigureState.objects.filter(dossier_id=dossier.pk).exists()
        assert dossier.created_at <= timezone.now() < dossier.created_at + timedelta(minutes=1)


def test_a_model_with_a_given_key_and_nothing_generated_is_written_without_returning():
    from motcua.reports.models import FigureState

    for ids in ((10**9 + 1, 10**9 + 2), (10**9 + 3, 10**9 + 4)):
        states = [FigureState(dossier_id=i, key=[i, "counter"], entries=[[i % 7, 0, 1]]) for i in ids]
        assert prepared.insert(states) == states
        assert not states[0]._state.adding
    stored = FigureState.objects.in_bulk([10**9 + n for n in range(1, 5)])
    assert {i: (s.key, s.entries) for i, s in stored.items()} == {
        i: ([i, "counter"], [[i % 7, 0, 1]]) for i in range(10**9 + 1, 10**9 + 5)
    }
    with pytest.raises(ValueError, match="generated key"):
        prepared.insert([FigureState(dossier_id=1, key=[], entries=[])], ignore_conflicts=True)
