"""The store: the only package that touches the database.

Callers use :class:`Store` (``from common.store import Store``); its operations take and
return the plain values of :mod:`common.core.model`, and its read models are
``store.views`` (the board, a desk, live figures, reports), returning the values of
common/views. Inside: ``db`` (engines, URLs, schema version), ``orm`` (the tables),
``tx`` (one transaction's shared checks and transitions), ``reads`` (the read models'
queries), ``notify`` (change notifications) and ``migrations`` (Alembic).
"""

from common.store.operations import Store

__all__ = ["Store"]
