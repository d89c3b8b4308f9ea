"""The motcua kiosk: a touchscreen ticket machine."""
