"""The platform under the read models: database, catalog, tenancy, encryption, keys, accounts."""
