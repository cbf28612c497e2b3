"""concordia.core."""
