"""Spreadsheet import: reading .xlsx/.csv files (``read``), turning sheets into a bundle
(``convert``), and the checked, reported import (``report``)."""
