"""Use cases over a caller-owned Session. Nothing here commits: the caller's unit of work does."""
