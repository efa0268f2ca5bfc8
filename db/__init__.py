"""Data layer: engine, sessions, ORM models and migrations runner. Never imports Textual."""
