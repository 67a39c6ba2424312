"""Read models of the campaign and its monthly progress."""
