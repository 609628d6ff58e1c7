"""CNN Lens: the frame. Page config, the shared sidebar and navigation.

Run with `streamlit run app.py`. The page scripts live in app_pages/, not pages/:
Streamlit runs a folder named pages/ beside the main script as an old-style
multipage app until st.navigation has run once in the server process, so the
first visitor to open /draw directly would get the page without this frame.
No public setting turns that off, so the folder has another name.
"""

import streamlit as st

from components.sidebar import model_card_sidebar
from components.training_panel import training_sidebar

st.set_page_config(page_title="CNN Lens", page_icon=":material/center_focus_strong:", layout="wide")

PAGES = [
    # The default page is served at "/"; Streamlit ignores a url_path on it.
    st.Page("app_pages/image.py", title="Explore an image", icon=":material/image:", default=True),
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
