"""`crm demo`: the 2011 programme from the seed, plus clearly fictional sample data."""
