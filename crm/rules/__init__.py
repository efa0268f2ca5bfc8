"""Business rules as pure functions over plain values: each rule lives here once."""
