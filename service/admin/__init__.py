"""Administration: districts, accounts and tokens, the record of unmasked reads."""
