"""Container keys of the start page. Tests rely on these exact strings; each is also the
st-key-<key> CSS class. The session's lesson flag is shared by every page and lives in
components/common/keys.py (LESSON_MODEL).
"""

LESSON_PATH = "lesson_path"  # the four steps, each with its link
TEACHER_NOTES = "teacher_notes"  # the expander with timings and questions
GLOSSARY = "glossary"  # the expander of terms
