"""The append-only, hash-chained audit trail.

Each event stores an HMAC of its own content and of the previous event's hash, keyed by a
secret that is not in the database: editing, deleting or inserting a row with raw SQL breaks
the chain at that row, and a forger without the key cannot repair it. `ChainHead` is a single
row locked by every writer, so that concurrent writers on PostgreSQL still form one line.

Which sites an event concerns: `site_id` when it is one site (most events); when it is several
(a user of two camps), `site_id` is empty and `EventSite` holds each, and the event's hash
covers that list, so a row added or removed there breaks the chain like an edited event. An
event with no site at all concerns no camp (reference data, a country) and only
administrators read it.
"""

from django.conf import settings
from django.db import models


class ChainHead(models.Model):
    """The last link of the chain. Exactly one row (id=1)."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_single_chain_head")]


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_ref = models.CharField(max_length=40, blank=True, db_index=True)
    site_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        permissions = [("view_audit_trail", "Can read the audit trail")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_ref or self.object_id} by {self.actor_username}"


class EventSite(models.Model):
    """One site of an event that concerns several (see the module docstring). Keyed by the
    event's seq, which the hash covers, rather than by its row id."""

    seq = models.BigIntegerField(db_index=True)
    site_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seq", "site_id"], name="audit_event_site_once")]
