"""What the data is measured against, read from files that ship with the program or the project: the regions
of Kemendagri and their boundaries, the declared indicators and inputs, the settings, URLs, the glossary and
the date a period is read as of.

Why apart from ingest: the same reference decides how a workbook is validated, what a page computes and where
it is published, so it may not depend on any of them.
"""
