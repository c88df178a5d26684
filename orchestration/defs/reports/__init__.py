"""Reports: the month's city bulletins and ward scorecards, from the published warehouse, and the
job that re-renders a past month from the UI."""
