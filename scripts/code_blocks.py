"""Code blocks a keyboard can reach before Material's script has seen them.

With ``content.lazy`` (mkdocs.yml) Material mounts a code block when it comes into view, not all
of a page's at load (on an API page, some 90 forced layouts). Mounting is also when it gives a
block that scrolls sideways ``tabindex="0"``, so a keyboard reader can scroll it, and takes the
attribute off a block that does not scroll. A block not yet seen must be reachable already, or
tabbing down the page would skip it: every block arrives with ``tabindex="0"``.
"""

import re

CODE = re.compile(r"(<pre\b[^>]*>(?:<span></span>)?<code\b)(?![^>]*\btabindex=)")


def focusable(html):
    """``html`` with ``tabindex="0"`` on each ``pre > code`` that has no tabindex."""
    return CODE.sub(r'\1 tabindex="0"', html)
