"""One module per tab: widgets and events only, never tensors."""
