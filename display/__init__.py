"""The motcua hall display: board, announcements and the ticket status page."""
