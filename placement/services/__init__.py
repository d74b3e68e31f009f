"""Services: plain functions holding the rules. They take the session, flush, and never commit."""
