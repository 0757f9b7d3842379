"""From the staff's workbooks to the validated cache: reading files, matching their headers, recognising names
and kinds of values, checking them against the declared schema, reporting problems (and the ``--laporan``
workbook, the ``templat`` to fill in), and the Parquet cache (``store``) that every later stage reads.

Why one stage: bad data should stop here, with a message staff can act on, before any page is computed; what
comes after trusts the cache and never reads a workbook again.
"""
