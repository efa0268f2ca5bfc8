"""Domain rules, services, Excel import/export and the `crm` command line. Never imports Textual."""
