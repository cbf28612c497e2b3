from enum import StrEnum


class PersonSyncNationalMinorityType0(StrEnum):
    ARMENIAN = "armenian"
    AVAR = "avar"
    AZERBAIJANI = "azerbaijani"
    BALKAR = "balkar"
    BASHKIR = "bashkir"
    BELARUSIAN = "belarusian"
    BURYAT = "buryat"
    CHECHEN = "chechen"
    CHUVASH = "chuvash"
    CIRCASSIAN = "circassian"
    CRIMEAN_TATAR = "crimean_tatar"
    DARGIN = "dargin"
    GERMAN = "german"
    INGUSH = "ingush"
    JEWISH = "jewish"
    KABARDIAN = "kabardian"
    KALMYK = "kalmyk"
    KARACHAY = "karachay"
    KAZAKH = "kazakh"
    KOMI = "komi"
    LEZGIN = "lezgin"
    MARI = "mari"
    MORDVIN = "mordvin"
    NENETS = "nenets"
    OSSETIAN = "ossetian"
    OTHER = "other"
    TATAR = "tatar"
    TUVAN = "tuvan"
    UDMURT = "udmurt"
    UKRAINIAN = "ukrainian"
    YAKUT = "yakut"

    def __str__(self) -> str:
        return str(self.value)
