"""Tables of `matching`: name keys kept for every person, the duplicate review queue,
merges (with what they moved, so they can be undone) and the aliases merged references
leave behind.

The keys are derived data: `matching.keys.refresh_keys` rewrites them whenever the
register saves persons, and `asylon matching rebuild-keys` rebuilds them all.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from asylon.registry.models import Person, Site


class PersonNameKeys(models.Model):
    """The comparable forms of one person's names (any script), for search and blocking."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="name_keys")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    # Folded Latin forms (names.fold) of each part, the Latin entry preferred, else the original script.
    given_fold = models.CharField(max_length=200, blank=True)
    fathers_fold = models.CharField(max_length=200, blank=True)
    family_fold = models.CharField(max_length=200, blank=True)
    # "given family father" folded: the text trigram search runs on.
    full_fold = models.CharField(max_length=600, blank=True)
    # Space-separated skeleton and phonetic keys of every token of every name field.
    skeleton_tokens = models.CharField(max_length=600, blank=True)
    phonetic_tokens = models.CharField(max_length=600, blank=True)
    # Compact keys: given+family skeleton joined without spaces (Mohammad Reza = Mohammadreza).
    compact_key = models.CharField(max_length=200, blank=True)
    fathers_key = models.CharField(max_length=200, blank=True, help_text=_("Phonetic key of the father's name"))
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # False for merged persons: they leave search and duplicate detection.
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "person name keys"
        indexes = [
            models.Index(fields=["site", "compact_key"]),
            # Search's namesakes, and among them those whose father's name the query gives:
            # read from the index alone (an index-only scan on PostgreSQL), so it carries every
            # column the search reads (without the year, each namesake cost a visit to the table:
            # 80 ms for a common name at a million persons). The father's key is carried, not
            # keyed: keyed first, each father asked for times each compact key is a descent of
            # its own, which PostgreSQL prices above reading the table's rows.
            models.Index(
                fields=["site", "compact_key", "person"],
                include=["skeleton_tokens", "fathers_key", "birth_year"],
                condition=Q(active=True),
                name="matching_keys_namesakes",
            ),
            models.Index(fields=["site", "birth_year"]),
        ]

    def __str__(self) -> str:
        return f"keys of {self.person_id}"


class NameKeyToken(models.Model):
    """One token of one person's names: the inverted index search and blocking look up.

    Both tables are kept by the same hook; a token row exists once per (person, skeleton).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    skeleton = models.CharField(max_length=100)
    phonetic = models.CharField(max_length=100)
    # True for a token of the person's own name (given or family), False for one only of
    # the father's name: a person named Mohammad outranks a son of a Mohammad.
    own = models.BooleanField(default=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            # Search reads everything it needs from this index (an index-only scan on PostgreSQL);
            # the year before the person, so that "born in or next to 1980" is a narrow range.
            models.Index(fields=["skeleton", "site", "birth_year", "person", "own"], name="matching_token_year"),
            models.Index(fields=["phonetic", "birth_year"]),
        ]
        constraints = [models.UniqueConstraint(fields=["person", "skeleton"], name="name_token_once")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.skeleton}"


class NameVariantKey(models.Model):
    """The vocabulary of name skeletons, by lookup key: the skeleton itself, its phonetic key
    and each one-letter deletion of it. A query token's keys find the skeletons one edit
    away from it, so a typo anywhere in a name still finds the name, on every database."""

    key = models.CharField(max_length=100)
    skeleton = models.CharField(max_length=100)
    phonetic = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "skeleton"], name="variant_key_once")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.skeleton}"


class CandidateStatus(models.TextChoices):
    OPEN = "OPEN", _("open")
    DIFFERENT = "DIFFERENT", _("different persons")
    LINKED = "LINKED", _("linked (related persons)")
    MERGED = "MERGED", _("merged")


class DetectionRun(models.Model):
    """One run of batch duplicate detection; records how far it got, so it can resume."""

    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    engine = models.CharField(max_length=20, default="asylon")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    blocks_total = models.PositiveIntegerField(default=0)
    blocks_done = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"detection run {self.pk}"


class DuplicateCandidate(models.Model):
    """A pair of persons that may be one person, waiting for (or holding) a clerk's decision.

    One row per pair, ever: a "different persons" decision stays, so the pair is not raised again.
    """

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField()
    explanation = models.JSONField(default=dict)
    source = models.CharField(max_length=20, default="batch")
    run = models.ForeignKey(DetectionRun, null=True, blank=True, on_delete=models.PROTECT, related_name="candidates")
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="candidate_pair_once"),
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="candidate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["site", "status", "probability"])]
        permissions = [("decide_duplicatecandidate", "Can decide whether a candidate pair is one person")]

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id} {self.status}"


class Merge(models.Model):
    """Two persons found to be one. Every link moved is listed in `moves`, so undo is exact."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    # {"moved": [[model label, field, pk], ...], "ended": [[label, pk], ...],
    #  "kept": [[label, field, pk], ...], "filled": {sensitive field: value before}, "presence": before}
    moves = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undo_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merged"], condition=Q(undone_at__isnull=True), name="merged_once"),
            models.CheckConstraint(condition=~Q(survivor=F("merged")), name="merge_two_persons"),
        ]
        permissions = [
            ("merge_person", "Can merge two records of one person"),
            ("unmerge_person", "Can undo a merge"),
        ]

    def __str__(self) -> str:
        return f"merge {self.merged_id} into {self.survivor_id}"


class PersonAlias(models.Model):
    """A reference that still resolves after its person was merged into another."""

    reference = models.CharField(max_length=20, unique=True)
    # `aliases`: the register follows a merged reference to its survivor through it.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aliases")
    merge = models.OneToOneField(Merge, on_delete=models.PROTECT, related_name="alias")

    class Meta:
        verbose_name_plural = "person aliases"

    def __str__(self) -> str:
        return f"{self.reference} -> {self.person_id}"
