"""CNN Lens: the frame. Page config, the shared sidebar and navigation.

Run with `streamlit run app.py`. The page scripts live in app_pages/, not pages/:
Streamlit runs a folder named pages/ beside the main script as an old-style
multipage app until st.navigation has run once in the server process, so the
first visitor to open /draw directly would get the page without this frame.
No public setting turns that off, so the folder has another name.
"""

from pathlib import Path

import streamlit as st

from components.common.active_model import follow_lesson_link
from components.common.browser import ask_the_browser, recognise_browser
from components.training.model_picker import model_card_sidebar
from components.training.sidebar import training_sidebar

# The icon ships with the app: a Material icon name would be fetched from a font host
# on every page load, which fails (and logs an error) in a classroom with no internet.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"
st.set_page_config(page_title="CNN Lens", page_icon=str(FAVICON), layout="wide")
# Focus rings, code colours and screen-reader-only text: what the theme cannot set.
st.html(Path(__file__).parent / "assets" / "access.css")

PAGES = [
    st.Page("app_pages/start.py", title="Start here", icon=":material/school:", default=True),
    st.Page(
        "app_pages/image.py", title="Explore an image", icon=":material/image:", url_path="image"
    ),
    st.Page("app_pages/draw.py", title="Draw a digit", icon=":material/draw:", url_path="draw"),
    st.Page("app_pages/digits.py", title="My digits", icon=":material/apps:", url_path="digits"),
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
recognise_browser()  # first: the sidebar and the pages find this browser's runs and digits
follow_lesson_link()  # before the sidebar, which then names the lesson's model
model_card_sidebar()
training_sidebar()
with st.sidebar:  # an element that draws nothing, where it takes no room from a page
    ask_the_browser()
navigation.run()
