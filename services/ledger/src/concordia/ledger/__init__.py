"""concordia.ledger: the funding ledger of a country node."""
