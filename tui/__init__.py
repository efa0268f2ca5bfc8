"""The Textual workbench. Holds no business rules and no SQL: it calls crm services in workers."""
