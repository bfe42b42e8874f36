"""The legal basis quoted with every safeguard decision.

One constant per basis so that a refusal, its audit record and the tests quote the same
words. The texts name the instrument and article as DOMAIN.md sections 6 and 8 cite them.
They are stored in English (the evidence) and marked for the catalogues: a page shows
``gettext(legal_basis)`` in the reader's language.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

REFUGEE_CONVENTION_33_1 = gettext_noop("1951 Refugee Convention, art. 33(1)")
REFUGEE_CONVENTION_33_2 = gettext_noop("1951 Refugee Convention, art. 33(2)")
TORTURE_CONVENTION_3 = gettext_noop("Convention against Torture, art. 3")
ICCPR_6_7 = gettext_noop("ICCPR arts. 6 and 7; Human Rights Committee General Comment No. 31, para. 12")
SUSPENSIVE_EFFECT = gettext_noop(
    "1951 Refugee Convention, art. 33(1) (refugee status is declaratory); "
    "UNHCR Procedural Standards for RSD (suspensive effect of a pending claim or appeal)"
)
EXTRADITION = gettext_noop(
    "UNHCR Guidance Note on Extradition and International Refugee Protection (2008); "
    "1951 Refugee Convention, art. 33(1)"
)
CHAIN_REFOULEMENT = gettext_noop(
    "1951 Refugee Convention, art. 33(1) (return 'in any manner whatsoever', including indirect "
    "refoulement); Convention against Torture, art. 3"
)
VOLUNTARY_REPATRIATION = gettext_noop("UNHCR Handbook - Voluntary Repatriation: International Protection (1996)")
BEST_INTERESTS_OF_THE_CHILD = gettext_noop(
    "Convention on the Rights of the Child, art. 3(1); "
    "UNHCR Handbook - Voluntary Repatriation: International Protection (1996)"
)
FAMILY_UNITY = gettext_noop("ICCPR art. 23(1) (family unity); UNHCR Resettlement Handbook")

# Data sharing (DOMAIN.md section 8).
CONFIDENTIALITY_COUNTRY_OF_ORIGIN = gettext_noop(
    "UNHCR Advisory Opinion on the Rules of Confidentiality Regarding Asylum Information (2005); "
    "UNHCR Policy on the Protection of Personal Data of Persons of Concern (2015)"
)
HOST_STATE_SHARING = gettext_noop(
    "UNHCR Policy on the Protection of Personal Data of Persons of Concern (2015): "
    "transfer to a third party under a data-sharing agreement"
)
RESETTLEMENT_SHARING = gettext_noop("UNHCR Resettlement Handbook, section 2.3 (data protection in resettlement)")
PARTNER_SHARING = gettext_noop(
    "UNHCR Policy on the Protection of Personal Data of Persons of Concern (2015): "
    "legitimate processing, purpose specification, necessity and proportionality"
)
AGGREGATE_DISCLOSURE_CONTROL = gettext_noop(
    "UNHCR Policy on the Protection of Personal Data of Persons of Concern (2015): confidentiality; "
    "statistical disclosure control of aggregates"
)
