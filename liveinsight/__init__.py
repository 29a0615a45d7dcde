"""LiveInsight's composition root: the `liveinsight` command, and the code that wires the
parts together (the emulated stack, the dashboard, the simulator, the load tests) with the
demo user, site and funnel. Nothing in `embedded/` imports from here."""
