"""The CNN and looking inside it: architectures, inference, filters, worked arithmetic, saliency, the network page."""
