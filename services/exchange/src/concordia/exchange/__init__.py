"""concordia.exchange: the best-practice exchange of a country node."""
