from enum import StrEnum


class PersonSyncProfessionCategoryType0(StrEnum):
    ACTIVIST = "activist"
    ARTIST = "artist"
    JOURNALIST = "journalist"
    LAWYER = "lawyer"
    OTHER = "other"
    POLITICIAN = "politician"
    RESEARCHER = "researcher"

    def __str__(self) -> str:
        return str(self.value)
