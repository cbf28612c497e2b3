"""The evaluation service of a Concordia node: assessors, criteria, agreement, plurality."""
