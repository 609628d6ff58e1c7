"""The Inside the CNN page: the digit picker, architecture and filter panels, the worked
arithmetic panels (`arithmetic_panels`) and their chart functions.
"""
