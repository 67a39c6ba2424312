"""Districts (tenants), accounts and tokens: API."""
