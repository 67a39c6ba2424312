"""The district's event-store application and what it needs to save and read events."""
