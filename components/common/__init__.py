"""What every page shares: session-state keys, the cached active model, chart settings, literal
text, pictures and the 28 × 28 number grid.
"""
