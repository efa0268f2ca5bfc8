"""Invitee lists (拟邀请嘉宾名单) from Excel, WPS, LibreOffice or CSV into contacts, organizations and
invitations: reader (format and safety) → table (where the list stands) → rows (normalise, classify)
→ service (identity, plan, bulk write, import batch) → undo; errors_out writes rejected rows back."""
