from enum import StrEnum


class GrantCreateGoalsItem(StrEnum):
    NO_FALSE_CHOICE = "no_false_choice"
    REGIONS_AND_MINORITIES = "regions_and_minorities"
    TRANSITIONAL_JUSTICE = "transitional_justice"
    VALUE_OF_HUMAN_LIFE = "value_of_human_life"
    VALUE_OF_POLITICS = "value_of_politics"
    VOICE_OF_DISENFRANCHISED = "voice_of_disenfranchised"

    def __str__(self) -> str:
        return str(self.value)
