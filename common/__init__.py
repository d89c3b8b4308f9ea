"""motcua's domain core and store.

Nothing in this package imports Qt: the kiosk, counter and display apps call the
operations in :mod:`common.store.operations`, which return the frozen dataclasses of
:mod:`common.core.model`.
"""
