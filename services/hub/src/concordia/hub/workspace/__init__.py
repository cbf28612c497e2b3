"""The coordination group's workspace at the hub: commitments, agenda, decisions.

Everything here is non-personal: members act in a role for a country (``state:se``) or a donor
(``donor:<name>``), experts (``hub:advise``) advise; nobody is named. Commitments are tracked
against the aggregates the nodes publish; signals raise agenda items by themselves, each with
its evidence; decisions close items, and travel to every node they concern.
"""
