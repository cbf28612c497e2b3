from enum import StrEnum


class OrganisationSyncRepresentsItem(StrEnum):
    LGBT = "lgbt"
    NATIONAL_MINORITIES = "national_minorities"
    OTHER_DISCRIMINATED = "other_discriminated"
    REGIONAL_COMMUNITIES = "regional_communities"
    WOMEN = "women"

    def __str__(self) -> str:
        return str(self.value)
