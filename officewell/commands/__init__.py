"""The `officewell` commands: each module reads its options into the typed Settings and calls a runner."""
