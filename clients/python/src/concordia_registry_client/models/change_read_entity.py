from enum import StrEnum


class ChangeReadEntity(StrEnum):
    ORGANISATION = "organisation"
    PERMIT = "permit"
    PERSON = "person"

    def __str__(self) -> str:
        return str(self.value)
