"""Data quality and sign-off, without Dagster: consistency rules (``rules``, ``expressions``), the
validator's rule stage (``consistency``), screening after each load (``screening``, ``outliers``),
the review tables (``schema``, ``store``), locks on approved ward-months (``locks``), approval and
unlock (``signoff``) and the review queue (``queue``)."""
