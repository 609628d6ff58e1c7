"""CNN Lens: the frame. Page config, the shared sidebar and navigation.

Run with `streamlit run app.py`. Pages live in pages/; this file only routes.
"""

import streamlit as st

from components.sidebar import model_card_sidebar

st.set_page_config(page_title="CNN Lens", page_icon=":material/center_focus_strong:", layout="wide")

PAGES = [
    st.Page(
        "pages/image.py",
        title="Explore an image",
        icon=":material/image:",
        url_path="image",
        default=True,
    ),
    st.Page("pages/draw.py", title="Draw a digit", icon=":material/draw:", url_path="draw"),
    st.Page("pages/network.py", title="Inside the CNN", icon=":material/hub:", url_path="network"),
    st.Page(
        "pages/training.py", title="Retrain", icon=":material/model_training:", url_path="training"
    ),
]

navigation = st.navigation(PAGES)
model_card_sidebar()
navigation.run()
