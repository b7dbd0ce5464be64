"""The SimPy funnel model, one module per mechanism family; `funnel.py` tells the story in order."""
