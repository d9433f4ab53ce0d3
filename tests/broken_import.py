"""A figure module that cannot be imported: test_figures checks the build says which."""

raise ImportError("no such thing")
