"""The motcua counter desktop for clerks."""
