"""The association (残协), its officers, lifecycle and training, and their commands."""
