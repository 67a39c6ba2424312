"""The roster of disabled persons and its commands, hand-overs included."""
