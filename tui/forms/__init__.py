"""Modal forms: one per recorded action, validation messages beside their fields."""
