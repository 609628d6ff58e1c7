"""Keep every page inside app.py's frame."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require_frame() -> None:
    """Call first in every page script.

    Streamlit treats a `pages/` folder beside the main script as an old-style
    multipage app until `st.navigation` has run once in the server process. If
    the very first visitor opens /draw directly, Streamlit runs pages/draw.py on
    its own: no sidebar, no model card, wrong navigation. Switching that mode
    off and rerunning runs app.py instead, which routes back to the same page
    (the url paths match), now inside the frame.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
