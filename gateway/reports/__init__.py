"""Resident reports: photos and videos residents send to the council or the police.

Stored as sent and shown to people; never passed to a recognizer and never enrolled.
"""
