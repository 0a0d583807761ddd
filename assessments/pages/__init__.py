"""Read models of the pages: plain data in, page context out, one module per page.

`progress` (with `timeline` and `relationship`) builds the engagement page, `worklist` the
account manager's engagements, `portfolio` the leadership dashboard and its CSV, `insights`
the set-based portfolio reads both share, `attention` the stale / at-risk / falling rules, and
`charts` the SVG geometry. Nothing here writes.
"""
