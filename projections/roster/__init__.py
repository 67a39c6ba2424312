"""Read model of the roster of disabled persons."""
