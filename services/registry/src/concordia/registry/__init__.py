"""concordia.registry."""
