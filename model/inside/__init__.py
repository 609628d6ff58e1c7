"""Looking inside a trained network: parameter formulas and shapes (`anatomy`), a layer's
arithmetic worked by hand (`arithmetic`), kernels and gradient ascent (`filters`), the digit
space (`embedding`) and saliency maps (`saliency`).
"""
