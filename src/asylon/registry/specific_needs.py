"""UNHCR standardised specific-needs codes (2009 guidance), loaded as reference data.

Subcodes are marked unverified in DOMAIN.md; they are data, so an operation can revise them
without a code change. SV and TR details are restricted to protection roles.
"""

CODES: list[tuple[str, str]] = [
    ("CR", "Child at risk"),
    ("CR-CP", "Child parent"),
    ("CR-CS", "Child spouse"),
    ("CR-CC", "Child carer"),
    ("CR-TP", "Teenage pregnancy"),
    ("CR-LW", "Child labour"),
    ("CR-AF", "Associated with armed forces or groups"),
    ("CR-CL", "Child in conflict with the law"),
    ("CR-NE", "Not attending school"),
    ("CR-SE", "Special education needs"),
    ("SC", "Unaccompanied or separated child"),
    ("SC-UC", "Unaccompanied child"),
    ("SC-SC", "Separated child"),
    ("SC-CH", "Child-headed household"),
    ("SC-IC", "Child in institutional care"),
    ("SC-FC", "Child in foster care"),
    ("WR", "Woman at risk"),
    ("WR-SF", "Single woman at risk"),
    ("WR-LC", "Lactating"),
    ("ER", "Older person at risk"),
    ("ER-NF", "Single older person"),
    ("ER-FR", "Unable to care for self"),
    ("ER-MC", "Older person heading household with children"),
    ("SP", "Single parent or caregiver"),
    ("SP-PT", "Single parent"),
    ("SP-CG", "Single caregiver"),
    ("SP-GP", "Grandparent caregiver"),
    ("DS", "Disability"),
    ("DS-PM", "Physical disability, moderate"),
    ("DS-PS", "Physical disability, severe"),
    ("DS-MM", "Mental disability, moderate"),
    ("DS-MS", "Mental disability, severe"),
    ("DS-BD", "Visual impairment"),
    ("DS-DF", "Hearing impairment"),
    ("DS-SD", "Speech impairment"),
    ("SM", "Serious medical condition"),
    ("SM-CI", "Chronic illness"),
    ("SM-MI", "Mental illness"),
    ("SM-AD", "Addiction"),
    ("SM-CC", "Critical medical condition"),
    ("SM-MN", "Malnutrition"),
    ("SM-DP", "Difficult pregnancy"),
    ("FU", "Family unity"),
    ("FU-TR", "Tracing required"),
    ("FU-FR", "Family reunification required"),
    ("LP", "Specific legal and physical protection needs"),
    ("LP-ND", "No legal documentation"),
    ("LP-BN", "Unmet basic needs"),
    ("LP-NA", "No access to services"),
    ("LP-MM", "Mixed marriage"),
    ("LP-MD", "Multiple displacement"),
    ("LP-AN", "Violence, abuse or neglect"),
    ("LP-MS", "Marginalised"),
    ("LP-CR", "Criminal record"),
    ("TR", "Torture"),
    ("TR-PI", "Impairment due to torture"),
    ("TR-WV", "Witness of violence to others"),
    ("SV", "Sexual and gender-based violence"),
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
