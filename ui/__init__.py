"""Qt glue shared by the kiosk, counter and display apps.

It sits beside them rather than in common/, because common/ must never import Qt.
Like the apps, it talks to the store only through common's operations.
"""
