"""UNHCR standardised specific-needs codes (2009 guidance), loaded as reference data.

Subcodes are marked unverified in DOMAIN.md; they are data, so an operation can revise them
without a code change. SV and TR details are restricted to protection roles.

The labels are stored in English, as UNHCR publishes them, and translated where they are shown
(`SpecificNeedCode.display_label`): the catalogues hold them through `gettext_noop`.
"""

from django.utils.translation import gettext_noop

CODES: list[tuple[str, str]] = [
    ("CR", gettext_noop("Child at risk")),
    ("CR-CP", gettext_noop("Child parent")),
    ("CR-CS", gettext_noop("Child spouse")),
    ("CR-CC", gettext_noop("Child carer")),
    ("CR-TP", gettext_noop("Teenage pregnancy")),
    ("CR-LW", gettext_noop("Child labour")),
    ("CR-AF", gettext_noop("Associated with armed forces or groups")),
    ("CR-CL", gettext_noop("Child in conflict with the law")),
    ("CR-NE", gettext_noop("Not attending school")),
    ("CR-SE", gettext_noop("Special education needs")),
    ("SC", gettext_noop("Unaccompanied or separated child")),
    ("SC-UC", gettext_noop("Unaccompanied child")),
    ("SC-SC", gettext_noop("Separated child")),
    ("SC-CH", gettext_noop("Child-headed household")),
    ("SC-IC", gettext_noop("Child in institutional care")),
    ("SC-FC", gettext_noop("Child in foster care")),
    ("WR", gettext_noop("Woman at risk")),
    ("WR-SF", gettext_noop("Single woman at risk")),
    ("WR-LC", gettext_noop("Lactating")),
    ("ER", gettext_noop("Older person at risk")),
    ("ER-NF", gettext_noop("Single older person")),
    ("ER-FR", gettext_noop("Unable to care for self")),
    ("ER-MC", gettext_noop("Older person heading household with children")),
    ("SP", gettext_noop("Single parent or caregiver")),
    ("SP-PT", gettext_noop("Single parent")),
    ("SP-CG", gettext_noop("Single caregiver")),
    ("SP-GP", gettext_noop("Grandparent caregiver")),
    ("DS", gettext_noop("Disability")),
    ("DS-PM", gettext_noop("Physical disability, moderate")),
    ("DS-PS", gettext_noop("Physical disability, severe")),
    ("DS-MM", gettext_noop("Mental disability, moderate")),
    ("DS-MS", gettext_noop("Mental disability, severe")),
    ("DS-BD", gettext_noop("Visual impairment")),
    ("DS-DF", gettext_noop("Hearing impairment")),
    ("DS-SD", gettext_noop("Speech impairment")),
    ("SM", gettext_noop("Serious medical condition")),
    ("SM-CI", gettext_noop("Chronic illness")),
    ("SM-MI", gettext_noop("Mental illness")),
    ("SM-AD", gettext_noop("Addiction")),
    ("SM-CC", gettext_noop("Critical medical condition")),
    ("SM-MN", gettext_noop("Malnutrition")),
    ("SM-DP", gettext_noop("Difficult pregnancy")),
    ("FU", gettext_noop("Family unity")),
    ("FU-TR", gettext_noop("Tracing required")),
    ("FU-FR", gettext_noop("Family reunification required")),
    ("LP", gettext_noop("Specific legal and physical protection needs")),
    ("LP-ND", gettext_noop("No legal documentation")),
    ("LP-BN", gettext_noop("Unmet basic needs")),
    ("LP-NA", gettext_noop("No access to services")),
    ("LP-MM", gettext_noop("Mixed marriage")),
    ("LP-MD", gettext_noop("Multiple displacement")),
    ("LP-AN", gettext_noop("Violence, abuse or neglect")),
    ("LP-MS", gettext_noop("Marginalised")),
    ("LP-CR", gettext_noop("Criminal record")),
    ("TR", gettext_noop("Torture")),
    ("TR-PI", gettext_noop("Impairment due to torture")),
    ("TR-WV", gettext_noop("Witness of violence to others")),
    ("SV", gettext_noop("Sexual and gender-based violence")),
]

RESTRICTED_CATEGORIES = {"SV", "TR"}


def load(apps, schema_editor) -> None:
    code_model = apps.get_model("registry", "SpecificNeedCode")
    if code_model.objects.count() >= len(CODES):
        return
    for code, label in CODES:
        category = code.split("-")[0]
        code_model.objects.update_or_create(
            code=code,
            defaults={"category": category, "label": label, "restricted": category in RESTRICTED_CATEGORIES},
        )


def ensure_loaded(sender=None, **kwargs) -> None:
    """After every migrate or flush: the codes are reference data the register needs."""
    from django.apps import apps

    load(apps, None)
