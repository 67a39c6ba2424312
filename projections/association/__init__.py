"""Read models of associations, their lifecycle and training."""
