from enum import StrEnum


class PersonSyncVulnerabilitiesItem(StrEnum):
    CHRONIC_ILLNESS = "chronic_illness"
    DISABILITY = "disability"
    LGBTQ = "lgbtq"
    MINOR = "minor"
    OTHER = "other"

    def __str__(self) -> str:
        return str(self.value)
