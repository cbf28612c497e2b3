from enum import StrEnum


class OrganisationSyncType(StrEnum):
    INDEPENDENT_MEDIA = "independent_media"
    INITIATIVE = "initiative"
    NGO = "ngo"
    POLITICAL_MOVEMENT = "political_movement"
    RESEARCH_CENTRE = "research_centre"

    def __str__(self) -> str:
        return str(self.value)
