"""CNN Lens: the frame. Page config, the shared sidebar and navigation.

Run with `streamlit run app.py`. The page scripts live in app_pages/, not pages/:
Streamlit runs a folder named pages/ beside the main script as an old-style
multipage app until st.navigation has run once in the server process, so the
first visitor to open /draw directly would get the page without this frame.
No public setting turns that off, so the folder has another name.
"""

from pathlib import Path

import streamlit as st

from components.training.model_picker import model_card_sidebar
from components.training.sidebar import training_sidebar

# The icon ships with the app: a Material icon name would be fetched from a font host
# on every page load, which fails (and logs an error) in a classroom with no internet.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"
st.set_page_config(page_title="CNN Lens", page_icon=str(FAVICON), layout="wide")
# Focus rings, code colours and screen-reader-only text: what the theme cannot set.
st.html(Path(__file__).parent / "assets" / "access.css")

IMAGE_PAGE = "app_pages/image.py"
PAGES = [
    # The default page is served at "/" only; its url_path must just differ from the
    # hidden page's below, which serves the same script at /image, the address people
    # guess (without it Streamlit shows "Page not found" there).
    st.Page(
        IMAGE_PAGE,
        title="Explore an image",
        icon=":material/image:",
        default=True,
        url_path="explore",
    ),
    st.Page(IMAGE_PAGE, title="Explore an image", url_path="image", visibility="hidden"),
    st.Page("app_pages/draw.py", title="Draw a digit", icon=":material/draw:", url_path="draw"),
    st.Page(
        "app_pages/network.py", title="Inside the CNN", icon=":material/hub:", url_path="network"
    ),
    st.Page(
        "app_pages/training.py",
        title="Retrain",
        icon=":material/model_training:",
        url_path="training",
    ),
]

navigation = st.navigation(PAGES)
model_card_sidebar()
training_sidebar()
navigation.run()
