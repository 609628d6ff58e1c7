"""Model files: the JSON card beside each `.keras` file, atomic saving and checked loading
(`persistence`), signing with this installation's key, and the folder of saved models
(`library`).
"""
