"""Server-rendered pages of Concordia: templates, SVG charts, CSV downloads, gettext, sign-in."""
