"""An incident alert is written for each reader: the e-mail in its recipient's language,
with the figures and the time in their digits; the page in the reader's language."""

from __future__ import annotations

from django.core import mail
from django.utils import translation

from asylon.accounts.models import User
from asylon.incidents.models import Alert


def test_the_e_mail_is_in_the_recipients_language(report, monitor, officer, django_capture_on_commit_callbacks):
    User.objects.filter(pk=officer.pk).update(language="fa")
    with django_capture_on_commit_callbacks(execute=True):
        report(monitor, kind="ARMED_ATTACK", severity=4, killed=2, injured=5)
    alert = Alert.objects.get()
    assert "Killed: 2, injured: 5, missing: 0." in alert.body  # the text as sent by webhook
    (sent,) = mail.outbox
    assert "۲" in sent.body and "۵" in sent.body and "Killed" not in sent.body
    assert "AAA" in sent.subject and "۴" in sent.subject  # the severity, in Persian digits


def test_the_title_names_the_kind_in_the_readers_language(report, monitor, officer):
    report(monitor, kind="ARMED_ATTACK", severity=4)
    alert = Alert.objects.get()
    with translation.override("en"):
        english = alert.shown_title
    with translation.override("ar"):
        arabic = alert.shown_title
    assert english == "armed attack (shelling, rockets, shooting, raid) at AAA, severity 4"
    assert arabic.endswith("٤") and "armed" not in arabic and "AAA" in arabic
