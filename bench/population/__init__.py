"""The synthetic populations of bench/generate.py, by concept: ``base`` holds the cell spellings,
the file writers and the roster every policy shares; each policy has a builder module of its own
(``moka``, ``goka``, ``oyama``, ``tarumizu``, ``kakamigahara``) whose ``build(g)`` writes the records
that policy reads. One ``random.Random`` is drawn from in a fixed order: moving code between these
modules must not reorder its draws (the files are byte-identical for a seed)."""
