"""Models: the dbt project (staging → intermediate → marts) and its publication for analysts."""
