"""CNN Lens: the frame. Page config, the shared sidebar and navigation.

Run with `streamlit run app.py`. Pages live in pages/; this file only routes.
"""

import streamlit as st

from components.sidebar import model_card_sidebar

st.set_page_config(page_title="CNN Lens", page_icon="🔎", layout="wide")

PAGES = [
    st.Page("pages/image.py", title="Explore an image", icon="🖼️", url_path="image", default=True),
    st.Page("pages/draw.py", title="Draw a digit", icon="✏️", url_path="draw"),
    st.Page("pages/network.py", title="Inside the CNN", icon="🧠", url_path="network"),
    st.Page("pages/training.py", title="Retrain", icon="🏋️", url_path="training"),
]

navigation = st.navigation(PAGES)
model_card_sidebar()
navigation.run()
