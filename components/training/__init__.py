"""Training, in the sidebar of every page and on the Retrain page: the active-model picker, the
recipe form, Train and Stop with the live run, this session's runs and their views and charts.
"""
