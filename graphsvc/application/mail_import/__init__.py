"""Importing mailboxes, calendars and address books: who really talked to whom.

Readers (one per format: ``mail``, ``calendar``, ``vcard``) turn files into plain records;
``matching`` finds the stored contacts behind addresses and phones; ``convert`` turns the
records into a bundle; ``run`` checks and commits it through the one import pipeline
(``import_bundle``: all-or-nothing, audited) and writes the report.
"""
