"""The citizen's satisfaction panel at a counter (``motcua rating --counter N``)."""
