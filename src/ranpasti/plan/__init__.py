"""Which pages exist, with which parameters and at which URLs: the params files and the site map.

Why a stage of its own: executing pages, rendering them and publishing the site all need the same list of
pages; deciding it once, below all three, keeps them agreeing on it.
"""
