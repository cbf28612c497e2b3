from enum import StrEnum


class FeedRecipientType(StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"

    def __str__(self) -> str:
        return str(self.value)
