"""The start page's sections: the lesson path with its links, the teacher's notes, the glossary."""

from __future__ import annotations

import streamlit as st

from components.common.active_model import LESSON_LINK
from components.lesson import keys
from components.lesson.texts import GLOSSARY, NOTES_INTRO, NOTES_WHEN_WRONG, STEPS


def lesson_path() -> None:
    """The four steps in order, each a goal and a link that also picks the lesson's model."""
    with st.container(key=keys.LESSON_PATH):
        for number, step in enumerate(STEPS, start=1):
            with st.container(border=True):
                st.page_link(
                    step.page,
                    label=f"**{number}. {step.title}**",
                    icon=":material/arrow_forward:",
                    query_params=LESSON_LINK,
                )
                st.markdown(step.goal)


def teacher_notes() -> None:
    with st.expander("Teacher's notes", icon=":material/school:", key=keys.TEACHER_NOTES):
        st.markdown(NOTES_INTRO)
        for number, step in enumerate(STEPS, start=1):
            asks = "\n".join(f"- {question}" for question in step.questions)
            st.markdown(f"**{number}. {step.title}** · about {step.minutes}\n\n{asks}")
        st.markdown(NOTES_WHEN_WRONG)


def glossary() -> None:
    with st.expander(
        "Glossary: the words used here", icon=":material/menu_book:", key=keys.GLOSSARY
    ):
        st.markdown("\n".join(f"- {plain}: **{term}**" for plain, term in GLOSSARY))
