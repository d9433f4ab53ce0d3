"""Benchmarks of what authors and readers wait for: ``python -m scripts.bench``.

Every figure is a ratio of two things measured side by side in the same run
(repetitions interleaved, medians taken), so the shared 2-core machines'
noise cancels out. One module per benchmark; ``common`` holds the helpers.
"""
