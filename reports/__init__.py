"""wardstat reports: Jinja2 templates rendered to HTML and PDF."""
