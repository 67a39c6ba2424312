"""The ``canxie`` command: its entry point, serving, and the demo."""
