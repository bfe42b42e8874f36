"""The roles of DESIGN.md as Django groups, each with its permission codenames.

This table is the single place that says who may do what; `sync_role_groups` writes it to
the groups after every migrate. Site scoping is added on top by scope.py and rules.py.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    REGISTRATION_CLERK = "registration_clerk", _("Registration clerk")
    PROTECTION_OFFICER = "protection_officer", _("Protection officer")
    RSD_OFFICER = "rsd_officer", _("RSD officer")
    RESETTLEMENT_OFFICER = "resettlement_officer", _("Resettlement officer")
    FIELD_MONITOR = "field_monitor", _("Field monitor")
    PARTNER = "partner", _("Partner")
    STATISTICS_VIEWER = "statistics_viewer", _("Statistics viewer")
    ADMINISTRATOR = "administrator", _("Administrator")


READ_REGISTER = {"registry.view_person", "registry.view_household", "registry.view_site"}
WRITE_REGISTER = {
    "registry.add_person",
    "registry.change_person",
    "registry.add_household",
    "registry.change_household",
}

STATISTICS = {"reports.view_statistics"}
# Roles that read the records anyway may also see internal tables without suppression; every
# output that leaves the system (CSV, API, situation report) is suppressed whoever asks.
INTERNAL_STATISTICS = STATISTICS | {"reports.view_unsuppressed_statistics"}
SITREP = {"reports.generate_sitrep"}
# Imports and exports. Importing registers households, so it goes with the register's
# writers; record-level exports leave the system's screens as files, so only protection officers
# (who see the records and answer for sharing) may take them. Aggregate exports need statistics.
IMPORT = {"reports.import_registrations"}
EXPORT_RECORDS = {"reports.export_personal_data"}
# Legal status. Reading a person's status and its history.
READ_STATUS = {"status.view_statusentry"}
RSD_WORK = {
    "status.view_rsdcase",
    "status.add_rsdcase",
    "status.change_rsdcase",
    "status.decide_rsdcase",
    "status.view_rsd_confidential",
    "status.add_endingprocedure",
    "status.change_endingprocedure",
    "status.view_endingprocedure",
}
GROUP_ACTS = {
    "status.view_groupdeclaration",
    "status.add_groupdeclaration",
    "status.revoke_groupdeclaration",
    "status.view_sitedesignationact",
    "status.add_sitedesignationact",
    "status.revoke_sitedesignationact",
}
# Incidents. Field monitors report and mark roll calls; the restricted details
# (narratives, perpetrators, affected persons, evidence, roll-call reports) are for
# protection officers (DOMAIN 8.2, D4); a reporter still sees what they wrote.
INCIDENTS_FIELD = {
    "incidents.add_incident",
    "incidents.view_incident",
    "incidents.add_evidence",
    "incidents.view_rollcall",
    "incidents.mark_rollcall",
}
INCIDENTS_PROTECTION = INCIDENTS_FIELD | {
    "incidents.change_incident",
    "incidents.view_restricted_incident",
    "incidents.add_followup",
    "incidents.change_followup",
    "incidents.view_followup",
    "incidents.view_evidence",
    "incidents.add_rollcall",
    "incidents.close_rollcall",
    # A roll call's deaths and disappearances, and any presence on the person's page: reviewed before they count.
    "incidents.review_presence",
    "incidents.receive_alerts",
    "incidents.view_delivery",
}
# Movements and data sharing. Protection officers keep risk profiles, reference
# data and recipients, and decide movements; resettlement officers request and carry out
# departures to third countries (the gate still runs); partners read what is shared (D3).
MOVEMENTS_PROTECTION = {
    "movements.view_movement",
    "movements.add_movement",
    "movements.approve_movement",
    "movements.carry_out_movement",
    "movements.approve_chain",
    "movements.record_voluntariness",
    "movements.view_risk_profile",
    "movements.manage_risk_profile",
    "movements.manage_reference_data",
    "movements.view_recipient",
    "movements.manage_recipients",
    "movements.release_personal_data",
    "movements.view_disclosure",
}
MOVEMENTS_RESETTLEMENT = {"movements.view_movement", "movements.request_departure", "movements.view_recipient"}
# Resettlement. Resettlement officers manage cases, submissions, countries and
# pledges; protection officers read them and approve departures (movements); partners read
# the cases submitted to their country, and only their members (queries.cases_for).
SOLUTIONS_READ = {
    "solutions.view_resettlementcase",
    "solutions.view_receivingcountry",
    "solutions.view_resettlement_dashboard",
}
# Sending a submission manifest to a country is a release of personal data (D3, D6).
SOLUTIONS_MANAGE = SOLUTIONS_READ | {"solutions.manage_resettlement", "movements.release_personal_data"}

# Matching: the review queue of probable duplicates, merges and their undoing.
DUPLICATES = {
    "matching.view_duplicatecandidate",
    "matching.decide_duplicatecandidate",
    "matching.merge_person",
}

# Later issues add their codenames here, next to the role that needs them.
# Protection documents: the registration desk issues and prints the papers that protect a
# resident at a checkpoint; withdrawing one by hand is a protection decision.
DOCUMENTS_ISSUE = {"documents.view_protectiondocument", "documents.add_protectiondocument"}
DOCUMENTS_PROTECTION = DOCUMENTS_ISSUE | {"documents.withdraw_protectiondocument"}

# Protection cases (DOMAIN.md 12). Protection officers open, see and work on the cases of their
# sites that are not of a sensitive type, and any case they hold or supervise; violence and
# torture cases, and every case's notes, stay with the caseworker and the supervisor:
# `cases.view_sensitive_case` goes to no standard role (GBVIMS). Partners answer the referrals
# made to the recipient they act for, and read only what was shared.
CASES_PROTECTION = {"cases.view_protectioncase", "cases.add_protectioncase", "cases.change_protectioncase"}
CASES_PARTNER = {"cases.answer_referral"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.REGISTRATION_CLERK: READ_REGISTER | WRITE_REGISTER | READ_STATUS | DUPLICATES | IMPORT | DOCUMENTS_ISSUE,
    Role.PROTECTION_OFFICER: READ_REGISTER
    | WRITE_REGISTER
    | {
        "registry.view_sensitive",
        "registry.change_sensitive",
        "audit.view_audit_trail",
        "reports.generate_sitrep_annex",
        "status.add_statusentry",
        "status.view_rsdcase",
        "status.view_rsd_confidential",
        "status.view_endingprocedure",
    }
    | READ_STATUS
    | GROUP_ACTS
    | INTERNAL_STATISTICS
    | SITREP
    | INCIDENTS_PROTECTION
    | MOVEMENTS_PROTECTION
    | SOLUTIONS_READ
    | DUPLICATES
    | {"matching.unmerge_person"}
    | IMPORT
    | EXPORT_RECORDS
    | DOCUMENTS_PROTECTION
    | CASES_PROTECTION,
    Role.RSD_OFFICER: READ_REGISTER
    | {
        "registry.view_sensitive",
        "status.view_groupdeclaration",
        "status.view_sitedesignationact",
        "incidents.view_incident",
        "movements.view_risk_profile",
    }
    | READ_STATUS
    | RSD_WORK
    | INTERNAL_STATISTICS,
    Role.RESETTLEMENT_OFFICER: READ_REGISTER
    | READ_STATUS
    | {"status.add_statusentry", "incidents.view_incident"}
    | INTERNAL_STATISTICS
    | MOVEMENTS_RESETTLEMENT
    | SOLUTIONS_MANAGE,
    Role.FIELD_MONITOR: READ_REGISTER | INCIDENTS_FIELD,
    Role.PARTNER: {"movements.read_shared_cases", "solutions.view_resettlementcase"} | CASES_PARTNER,
    Role.STATISTICS_VIEWER: STATISTICS,
    Role.ADMINISTRATOR: READ_REGISTER
    | {
        "registry.add_site",
        "registry.change_site",
        "audit.view_audit_trail",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "status.view_rsdsitesettings",
        "status.change_rsdsitesettings",
        "status.view_sitedesignationact",
        "incidents.view_delivery",
        "movements.view_recipient",
        # Recipients, their agreements and the partner accounts that act for them, kept from pages;
        # the safeguards still refuse D1 recipients, and grants stay with submissions.
        "movements.manage_recipients",
        "movements.view_disclosure",
    }
    | READ_STATUS
    | INTERNAL_STATISTICS
    | SITREP,
}

# Every role has work of its own to read ("my work": mywork/, core/work.py); what each source
# lists still depends on the role's other permissions and sites.
for _perms in ROLE_PERMISSIONS.values():
    _perms.add("accounts.view_own_work")


# Roles that may read sensitive fields: they must sign in with a second factor (twofactor.py).
SENSITIVE_ROLES = frozenset(r for r, perms in ROLE_PERMISSIONS.items() if "registry.view_sensitive" in perms)


def sync_role_groups(sender=None, **kwargs) -> None:
    """Make each role's group hold exactly the permissions of the table above."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    # post_migrate comes once per app with models, in INSTALLED_APPS order, and creates that
    # app's permissions: all of them exist once the last app has had its own.
    if sender is not None and sender is not [config for config in apps.get_app_configs() if config.models_module][-1]:
        return
    wanted = {p for perms in ROLE_PERMISSIONS.values() for p in perms}
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").all()
        if f"{p.content_type.app_label}.{p.codename}" in wanted
    }
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([by_name[p] for p in perms if p in by_name])
