"""The IATI codelists the coalition uses, written into the code.

The lists are written as facts from the IATI 2.03 standard (its codelists) and from org-id.guide
(the registration agencies IATI's OrganisationRegistrationAgency codelist replicates). They cover
what the coalition uses, not the whole published lists: the export's codes, the OECD DAC purpose
codes of governance, civil society, education, research, culture and relief, and the registers
of the countries the coalition works in. Currency and Language come from pycountry (ISO 4217 and
ISO 639-1). When the project receives the full published codelists, they can replace these
constants behind the same functions.

``codes("Sector")`` gives a codelist's codes. ``registration_agency(identifier)`` finds the
registration agency an organisation identifier begins with: IATI's validator refuses an
identifier whose prefix is not one, so the services refuse it at the door.
"""

from __future__ import annotations

import functools

import pycountry

__all__ = ["codes", "country_agency", "registration_agency"]


def _split(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: IATI 2.03 codelists of the export (embedded and non-embedded), active codes only.
_IATI: dict[str, frozenset[str]] = {
    # 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled, 6 suspended
    "ActivityStatus": _split("1 2 3 4 5 6"),
    # 1 planned start, 2 actual start, 3 planned end, 4 actual end
    "ActivityDateType": _split("1 2 3 4"),
    # 1 general, 2 objectives, 3 target groups, 4 other
    "DescriptionType": _split("1 2 3 4"),
    # 1 funding, 2 accountable, 3 extending, 4 implementing
    "OrganisationRole": _split("1 2 3 4"),
    # 10 government, 11 local government, 15 other public sector, 21-24 NGOs (international,
    # national, regional, partner country based), 30 public private partnership, 40
    # multilateral, 60 foundation, 70 private sector, 71-73 private sector in provider,
    # recipient, third country, 80 academic/training/research, 90 other
    "OrganisationType": _split("10 11 15 21 22 23 24 30 40 60 70 71 72 73 80 90"),
    # 1 gender equality, 2 environment, 3 participatory development/good governance, 4 trade
    # development, 5-8 Rio markers, 9 RMNCH, 10 disaster risk reduction, 11 disability,
    # 12 nutrition
    "PolicyMarker": _split("1 2 3 4 5 6 7 8 9 10 11 12"),
    # 1 OECD DAC CRS, 99 reporting organisation
    "PolicyMarkerVocabulary": _split("1 99"),
    # 0 not targeted, 1 significant, 2 principal, 3 principal and in support of an action
    # programme, 4 explicit primary objective
    "PolicySignificance": _split("0 1 2 3 4"),
    # 1 DAC 5-digit, 2 DAC 3-digit, 3-12 other published vocabularies, 98/99 reporting org
    "SectorVocabulary": _split("1 2 3 4 5 6 7 8 9 10 11 12 98 99"),
    # 1 incoming funds, 2 outgoing commitment, 3 disbursement, 4 expenditure, 5 interest
    # payment, 6 loan repayment, 7 reimbursement, 8/9 purchase/sale of equity, 10 credit
    # guarantee, 11 incoming commitment, 12 outgoing pledge, 13 incoming pledge
    "TransactionType": _split("1 2 3 4 5 6 7 8 9 10 11 12 13"),
}

#: OECD DAC 5-digit purpose codes (IATI Sector, vocabulary 1) the coalition's work falls in.
_SECTORS = _split(
    # Education: policy, facilities, teacher training, research; basic; secondary; post-secondary
    "11110 11120 11130 11182 11220 11230 11240 11320 11330 11420 11430"
    # Government and civil society, general (151xx)
    " 15110 15111 15112 15113 15130 15150 15151 15152 15153 15160 15170"
    # Conflict, peace and security (152xx)
    " 15210 15220 15230 15240 15250 15261"
    # Culture and recreation; research/scientific institutions
    " 16061 43082"
    # Emergency response, reconstruction relief, multi-hazard response preparedness
    " 72010 72040 72050 73010 74020"
)

#: Registration agencies (``{country}-{agency}``, org-id.guide): the company, charity and
#: association registers and government charts of accounts (``-COA``) of the EU/EEA, the UK,
#: Switzerland, Ukraine, Georgia, Armenia, Moldova, the US and Canada, and the international ones.
_AGENCIES = _split(
    "AT-COA AT-FB AT-UID AT-ZVR BE-BCE_KBO BE-COA BG-COA BG-EIK CY-COA CY-DRCOR"
    " CZ-COA CZ-DIC CZ-ICO DE-COA DE-CR DK-COA DK-CVR EE-COA EE-KMKR EE-RIK"
    " ES-COA ES-DIR3 ES-RMC FI-COA FI-PRO FR-COA FR-RCS GR-COA HR-COA HR-MBS HR-OIB"
    " HU-COA IE-CHY IE-COA IE-CRO IS-COA IT-COA LI-COA LT-COA LT-RC LU-COA LU-RCS"
    " LV-COA LV-RE MT-COA NL-COA NL-KVK NO-BRC NO-COA PL-COA PL-KRS PL-NIP PL-REGON"
    " PT-COA RO-COA RO-CUI SE-COA SE-ON SI-COA SI-PRS SK-COA SK-ORSR"
    " GB-CHC GB-COA GB-COH GB-EDU GB-GOV GB-LAE GB-LANI GB-LAS GB-MPR GB-NHS GB-NIC"
    " GB-SC GB-UKPRN CH-COA CH-FDJP UA-COA UA-EDR GE-COA GE-NAPR AM-COA AM-SRALE"
    " MD-COA MD-IDNO US-COA US-EIN CA-CRA_ACR CA_AB-ABT"
    " XI-IATI XM-DAC XM-OCHA XI-PB XI-GRID XI-LEI XI-ROR XI-WIKIDATA"
)

#: The register a country's organisations are usually identified by, where it has several.
_USUAL = {
    "SE": "SE-ON", "PL": "PL-KRS", "DE": "DE-CR", "DK": "DK-CVR", "FI": "FI-PRO",
    "NO": "NO-BRC", "LT": "LT-RC", "LV": "LV-RE", "EE": "EE-KMKR", "GB": "GB-COH",
    "UA": "UA-EDR", "GE": "GE-NAPR", "AM": "AM-SRALE", "MD": "MD-IDNO", "CZ": "CZ-ICO",
    "NL": "NL-KVK", "FR": "FR-RCS", "AT": "AT-FB", "IE": "IE-CRO", "ES": "ES-RMC",
    "HR": "HR-MBS", "SK": "SK-ORSR", "US": "US-EIN",
}  # fmt: skip


@functools.cache
def codes(name: str) -> frozenset[str]:
    """The codes of the codelist ``name``; a KeyError for a codelist not carried here."""
    if name == "Currency":
        # ISO 4217 less XTS (reserved for testing) and XXX (no currency): never a payment's.
        return frozenset(c.alpha_3 for c in pycountry.currencies) - {"XTS", "XXX"}
    if name == "Language":
        return frozenset(
            language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
        )
    if name == "Sector":
        return _SECTORS
    if name == "OrganisationRegistrationAgency":
        return _AGENCIES
    return _IATI[name]


def country_agency(country: str) -> str:
    """A registration agency of ``country`` (ISO 3166-1 alpha-2): its usual register, else its
    first national one that is not a chart of accounts, else ``XI-IATI``."""
    if country in _USUAL:
        return _USUAL[country]
    own = sorted(code for code in _AGENCIES if code.startswith(f"{country}-"))
    registers = [code for code in own if not code.endswith("-COA")]
    return (registers or ["XI-IATI"])[0]


def registration_agency(identifier: str) -> str | None:
    """The registration agency code ``identifier`` starts with (``SE-ON`` of
    ``SE-ON-2021005000``), or None. Every agency code has exactly one hyphen."""
    country, _, rest = identifier.partition("-")
    agency, dash, number = rest.partition("-")
    prefix = f"{country}-{agency}"
    if dash and number and prefix in _AGENCIES:
        return prefix
    return None
