"""The start page: the lesson path through the app, the teacher's notes and the glossary."""
