"""Pictures and figures: grids and captions (imaging), Matplotlib figures (plots), OpenMoji's colour
pictures, and uploaded pictures."""
