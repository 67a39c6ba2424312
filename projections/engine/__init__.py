"""The projection engine: projections, units of work, tracking, catch-up, rebuilds, replays."""
