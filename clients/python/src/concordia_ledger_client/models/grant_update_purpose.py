from enum import StrEnum


class GrantUpdatePurpose(StrEnum):
    CIVIL_SOCIETY = "civil_society"
    CULTURE = "culture"
    EDUCATION = "education"
    GENDER_EQUALITY = "gender_equality"
    HUMAN_RIGHTS = "human_rights"
    INDEPENDENT_MEDIA = "independent_media"
    INSTITUTIONAL_SUPPORT = "institutional_support"
    LEGAL_AID = "legal_aid"
    MINORITY_RIGHTS = "minority_rights"
    POLITICAL_PARTICIPATION = "political_participation"
    RELOCATION_AND_SECURITY = "relocation_and_security"
    RESEARCH = "research"
    TRANSITIONAL_JUSTICE = "transitional_justice"

    def __str__(self) -> str:
        return str(self.value)
