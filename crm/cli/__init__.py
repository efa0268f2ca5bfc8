"""The `crm` command line: thin wrappers that parse, call one service in one unit of work, print."""
