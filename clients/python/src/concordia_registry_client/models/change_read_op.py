from enum import StrEnum


class ChangeReadOp(StrEnum):
    DELETE = "delete"
    ERASE = "erase"
    UPSERT = "upsert"

    def __str__(self) -> str:
        return str(self.value)
